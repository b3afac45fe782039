"""Live updates: the log's events of needs, assignments and staffing runs, streamed to
browsers and integrations as Server-Sent Events (see docs/api.md, *Live updates*)."""

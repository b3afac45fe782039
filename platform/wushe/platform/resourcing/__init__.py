"""Resources: the resource matcher wired to the log (docs/matching.md, "Resources on the log")."""

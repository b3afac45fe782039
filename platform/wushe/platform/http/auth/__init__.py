"""Sign-in: sessions, bearer tokens, the principal of a request, and login rate limits."""

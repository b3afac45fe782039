"""Wire formats of the API: msgspec Structs, never domain objects."""

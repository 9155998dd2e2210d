"""Event contracts, one module per topic family. Frozen pydantic v2 models; every field
is described so the AsyncAPI documents say what each one means."""

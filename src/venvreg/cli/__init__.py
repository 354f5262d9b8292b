"""The human-facing CLI: typer wiring only. Each module parses, calls core, renders."""

"""Output formats: canonical JSON, the JSON documents, the JSON Schemas of the contracts."""

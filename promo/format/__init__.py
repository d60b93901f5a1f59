"""What people write: campaign definitions, strict YAML and scenario packs, read into core values."""

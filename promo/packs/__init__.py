"""Scenario packs: one file that sets up a whole store (catalogue, customers, campaigns, codes,
distribution rules), loaded through the Engine's public API; a store reset to a pack; the store
written back as one; and the published JSON Schemas of definitions and packs. Above the
Engine, so promo.format stays a pure reader of definitions."""

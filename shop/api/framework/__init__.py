"""The JSON API's machinery: operation registry, schemas, API keys, authentication, limits."""

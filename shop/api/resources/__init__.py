"""The JSON API's operations and their JSON shapes, one module per resource."""

"""Page objects: one module per kind of page, each turning a response into fields."""

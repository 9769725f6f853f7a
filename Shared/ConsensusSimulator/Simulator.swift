// The seeded fault simulator (placeholder until the module lands).

import ServiceKit

// The registry service's domain handlers arrive with their own issue; today it serves the bus built-ins.
await ServiceMain.run(.registry)

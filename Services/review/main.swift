import ServiceKit

// Review: the trading center reviews every confirmed trade order and signs its decision.
await ServiceMain.run(.review) { host in try ReviewService(host: host).services }

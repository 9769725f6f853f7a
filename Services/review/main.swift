import ServiceKit

// Review: the trading center reviews every confirmed trade order and signs its decision.
await ServiceMain.run(.review) { host in
    let service = try ReviewService(host: host)
    await service.start()
    return []
}

import ServiceKit

// Matching: bilateral trade orders, and multilateral rounds cleared by the cooperative game.
await ServiceMain.run(.matching) { host in
    let service = try MatchingService(host: host)
    await service.start()
    return []
}

import ServiceKit

// Dispatch: the dispatch center security-checks every approved trade order on its network case.
await ServiceMain.run(.dispatch) { host in
    let service = try DispatchService(host: host)
    try await service.start()
    return []
}

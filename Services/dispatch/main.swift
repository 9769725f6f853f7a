import ServiceKit

// Dispatch: the dispatch center security-checks every approved trade order on its network case.
await ServiceMain.run(.dispatch) { host in try await DispatchService(host: host).services }

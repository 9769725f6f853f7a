import ServiceKit

// The ledger: one data center, running PBFT with the others and keeping the chain of blocks.
await ServiceMain.run(.ledger) { host in
    try LedgerService(host: host).start()
    return []
}

import ServiceKit

// The registry: members, their admission and certificates, generation plans and demands.
await ServiceMain.run(.registry) { host in
    try await RegistryService(host: host).register()
    return []
}

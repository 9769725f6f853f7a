// The PBFT consensus core (placeholder until the module lands).

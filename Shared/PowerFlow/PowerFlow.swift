// The DC power flow and security check (placeholder until the module lands).

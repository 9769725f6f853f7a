// The transport-free vocabulary (methods, status codes, errors, events) is GridProtocol's; a
// client of the bus needs both, so importing Bus brings it along.
@_exported import GridProtocol

// The pure half of authentication (AuthError, PartySignatureCheck, MemberIDs) lives in
// Credentials so pure cores can check kept signatures without linking the store; a service
// that authenticates requests needs both.
@_exported import Credentials

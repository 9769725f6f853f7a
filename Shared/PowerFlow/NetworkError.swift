/// Why a case cannot be turned into a DC network.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case noReferenceBus
    case multipleReferenceBuses([Int])
    case duplicateBus(Int)
    /// A branch (`element` "branch") or generator ("gen") row, from 0, names a bus the bus matrix lacks.
    case unknownBus(element: String, index: Int, bus: Int)
    case zeroReactance(branch: Int)
    /// An in-service bus with no path of in-service branches to the reference bus.
    case islanded(bus: Int, reference: Int)
    case singular(status: Int32)
    /// A bus number asked about that is not an in-service bus of the network.
    case notABus(Int)

    public var description: String {
        switch self {
        case .noReferenceBus: "no reference bus: one bus must have BUS_TYPE 3"
        case .multipleReferenceBuses(let buses): "\(buses.count) reference buses (BUS_TYPE 3): \(buses.map(String.init).joined(separator: ", ")); exactly one is supported"
        case .duplicateBus(let bus): "bus \(bus) appears twice in the bus matrix"
        case .unknownBus(let element, let index, let bus): "\(element) \(index) (row \(index + 1) of mpc.\(element)) connects to bus \(bus), which is not in the bus matrix"
        case .zeroReactance(let branch): "branch \(branch) (row \(branch + 1) of mpc.branch) is in service with BR_X = 0"
        case .islanded(let bus, let reference): "islanded: bus \(bus) is not connected to the reference bus \(reference) through in-service branches"
        case .singular(let status): "the B matrix could not be factorised (KLU status \(status))"
        case .notABus(let bus): "bus \(bus) is not an in-service bus of the network"
        }
    }
}

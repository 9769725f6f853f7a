import CoreMetrics
import Foundation
import Synchronization

/// A swift-metrics backend that keeps every value in memory, served by `Metrics/Get`.
/// Tests inject their own instance; a deployment can bootstrap Prometheus instead.
public final class MetricsRegistry: MetricsFactory, Sendable {
    private let values = Mutex<[String: Double]>([:])

    public init() {}

    /// Every series, keyed `label{dim=value,...}`: counters as counts, recorders and timers as their sum.
    public func snapshot() -> [String: Double] { values.withLock { $0 } }

    public func value(_ label: String, _ dimensions: [(String, String)] = []) -> Double {
        values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.isEmpty ? label : "\(label){\(dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}"
    }

    /// Sets a gauge: a value read from the process as it stands (a collection's size, say).
    public func gauge(_ label: String, _ value: Double) { set(Self.key(label, []), value) }

    fileprivate func add(_ key: String, _ amount: Double) { values.withLock { $0[key, default: 0] += amount } }
    fileprivate func set(_ key: String, _ value: Double) { values.withLock { $0[key] = value } }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Series(registry: self, key: Self.key(label, dimensions))
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        Series(registry: self, key: Self.key(label, dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Series(registry: self, key: Self.key(label, dimensions))
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        Series(registry: self, key: Self.key(label, dimensions))
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Series(registry: self, key: Self.key(label + ".nanoseconds", dimensions))
    }

    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}

private final class Series: CounterHandler, FloatingPointCounterHandler, RecorderHandler, MeterHandler, TimerHandler, Sendable {
    let registry: MetricsRegistry
    let key: String

    init(registry: MetricsRegistry, key: String) {
        self.registry = registry
        self.key = key
    }

    func increment(by amount: Int64) { registry.add(key, Double(amount)) }
    func increment(by amount: Double) { registry.add(key, amount) }
    func decrement(by amount: Double) { registry.add(key, -amount) }
    func reset() { registry.set(key, 0) }
    func record(_ value: Int64) { registry.add(key, Double(value)) }
    func record(_ value: Double) { registry.add(key, value) }
    func set(_ value: Int64) { registry.set(key, Double(value)) }
    func set(_ value: Double) { registry.set(key, value) }
    func recordNanoseconds(_ duration: Int64) { registry.add(key, Double(duration)) }
}

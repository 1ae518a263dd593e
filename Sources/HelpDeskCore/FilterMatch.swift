/// A search filter read against one record's values in memory, as workflows' enrollment criteria
/// and branches use it (W2, W5): the same operators and the same sense as the search endpoint.
/// Text compares without case; numbers and dates compare as numbers; a checkbox's values are
/// separated by `;`.
extension SearchRequest.Filter {
    public func holds(in properties: [String: String], type: PropertyType?) -> Bool {
        let present = properties[propertyName].flatMap { $0.isEmpty ? nil : $0 }
        switch `operator` {
        case .hasProperty: return present != nil
        case .notHasProperty: return present == nil
        case .neq: return !Self.equal(present, value, type: type)
        case .notIn: return !values.contains { Self.equal(present, $0, type: type) }
        case .notContainsToken: return !Self.containsToken(present ?? "", value ?? "")
        default: break
        }
        guard let present else { return false }
        switch `operator` {
        case .eq: return Self.equal(present, value, type: type)
        case .in: return values.contains { Self.equal(present, $0, type: type) }
        case .containsToken: return Self.containsToken(present, value ?? "")
        case .lt: return Self.order(present, value, type: type).map { $0 < 0 } ?? false
        case .lte: return Self.order(present, value, type: type).map { $0 <= 0 } ?? false
        case .gt: return Self.order(present, value, type: type).map { $0 > 0 } ?? false
        case .gte: return Self.order(present, value, type: type).map { $0 >= 0 } ?? false
        case .between:
            return (Self.order(present, value, type: type).map { $0 >= 0 } ?? false)
                && (Self.order(present, highValue, type: type).map { $0 <= 0 } ?? false)
        case .hasProperty, .notHasProperty, .neq, .notIn, .notContainsToken: return false
        }
    }

    static func equal(_ present: String?, _ wanted: String?, type: PropertyType?) -> Bool {
        guard let present, let wanted else { return present == nil && (wanted ?? "").isEmpty }
        if let order = order(present, wanted, type: type) { return order == 0 }
        if type == .enumeration, present.contains(";") {
            return present.split(separator: ";").contains { $0.lowercased() == wanted.lowercased() }
        }
        return present.lowercased() == wanted.lowercased()
    }

    /// -1, 0 or 1 for numbers and dates; `nil` for text or a value that is not one.
    static func order(_ present: String, _ wanted: String?, type: PropertyType?) -> Int? {
        guard let wanted else { return nil }
        switch type {
        case .number:
            guard let a = Double(present), let b = Double(wanted) else { return nil }
            return a < b ? -1 : a > b ? 1 : 0
        case .date, .datetime:
            guard let a = Timestamp.parse(present), let b = Timestamp.parse(wanted) else { return nil }
            return a < b ? -1 : a > b ? 1 : 0
        default:
            return nil
        }
    }

    /// Every word of `token` in `text`; `*` stands for any letters.
    static func containsToken(_ text: String, _ token: String) -> Bool {
        let haystack = text.lowercased()
        return token.lowercased().split(separator: " ").allSatisfy { word in
            word.split(separator: "*").allSatisfy { haystack.contains($0) }
        }
    }
}

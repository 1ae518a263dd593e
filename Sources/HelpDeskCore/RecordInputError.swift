/// Why a create or update of a record was refused. Carries every problem found, not just the first,
/// so that a client can fix its request in one go.
public struct RecordInputError: Error, Sendable, Equatable {
    /// One thing wrong with the request.
    public struct Problem: Sendable, Equatable {
        public enum Code: String, Sendable {
            case propertyDoesNotExist = "PROPERTY_DOESNT_EXIST"
            case invalidValue = "INVALID_PROPERTY_VALUE"
            case readOnlyValue = "READ_ONLY_VALUE"
            case requiredProperty = "REQUIRED_PROPERTY"
            case stageRequiresProperty = "STAGE_REQUIRES_PROPERTY"
            case unknownPipeline = "UNKNOWN_PIPELINE"
            case unknownStage = "UNKNOWN_STAGE"
            case unknownOwner = "UNKNOWN_OWNER"
            case unknownTeam = "UNKNOWN_TEAM"
        }

        public var code: Code
        public var property: String
        public var message: String

        public init(code: Code, property: String, message: String) {
            self.code = code
            self.property = property
            self.message = message
        }
    }

    public var problems: [Problem]

    public init(_ problems: [Problem]) {
        self.problems = problems
    }

    public var message: String {
        problems.map(\.message).joined(separator: " ")
    }
}

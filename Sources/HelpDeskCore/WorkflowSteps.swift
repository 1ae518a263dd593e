/// Where a run of a workflow goes next, and how the actions of a workflow are edited (W3). A run
/// keeps the id of the action it is at; the order of the actions, branches included, gives the
/// one after it.
extension Workflow {
    /// The action with this id, anywhere in the workflow.
    public func action(_ id: String) -> WorkflowAction? {
        Self.find(id, in: actions)
    }

    /// The first action of a run, or of a branch's arm.
    public var firstActionID: String? { actions.first?.id }

    /// The action a run goes to after `id` is done, leaving branches by their end; `nil` at the end
    /// of the workflow. For a branch, call `next(afterBranch:taking:)` instead.
    public func next(after id: String) -> String? {
        Self.next(after: id, in: actions, then: nil)
    }

    /// The action a run goes to from a branch: the first of the arm it takes, or, when that arm is
    /// empty, the action after the branch.
    public func next(afterBranch id: String, taking then: Bool) -> String? {
        guard let branch = action(id) else { return nil }
        return (then ? branch.then : branch.otherwise).first?.id ?? next(after: id)
    }

    /// Every action's id, in the order of the workflow (branches' arms after their branch).
    public var allActionIDs: [String] {
        func walk(_ list: [WorkflowAction]) -> [String] { list.flatMap { [$0.id] + walk($0.then) + walk($0.otherwise) } }
        return walk(actions)
    }

    static func find(_ id: String, in list: [WorkflowAction]) -> WorkflowAction? {
        for action in list {
            if action.id == id { return action }
            if let found = find(id, in: action.then) ?? find(id, in: action.otherwise) { return found }
        }
        return nil
    }

    /// `after` is what follows `list` once it is done (`nil` for the workflow's end).
    static func next(after id: String, in list: [WorkflowAction], then after: String?) -> String? {
        for (index, action) in list.enumerated() {
            let following = index + 1 < list.count ? list[index + 1].id : after
            if action.id == id { return following }
            if find(id, in: action.then) != nil { return next(after: id, in: action.then, then: following) }
            if find(id, in: action.otherwise) != nil { return next(after: id, in: action.otherwise, then: following) }
        }
        return nil
    }
}

/// Where a new action goes (W3).
public enum ActionPlace: Sendable, Hashable {
    /// At the end of the workflow.
    case end
    /// Right after this action, in the same list.
    case after(String)
    /// First in a branch's arm.
    case firstIn(branch: String, then: Bool)
}

extension Workflow {
    /// Adds an action at a place; `nil` if the place names no action (or no branch).
    public func inserting(_ new: WorkflowAction, at place: ActionPlace) -> Workflow? {
        var copy = self
        switch place {
        case .end:
            copy.actions.append(new)
            return copy
        case .after(let id):
            guard let changed = Self.edit(actions, { list in
                guard let index = list.firstIndex(where: { $0.id == id }) else { return false }
                list.insert(new, at: index + 1)
                return true
            }) else { return nil }
            copy.actions = changed
            return copy
        case .firstIn(let branch, let then):
            guard action(branch)?.kind == .branch else { return nil }
            copy.actions = Self.mapAction(branch, in: actions) { action in
                if then { action.then.insert(new, at: 0) } else { action.otherwise.insert(new, at: 0) }
            }
            return copy
        }
    }

    /// The action with `id` replaced by `new` (its arms and comments are kept when `new` has none
    /// of its own); `nil` if there is none.
    public func replacing(_ id: String, with new: WorkflowAction) -> Workflow? {
        guard action(id) != nil else { return nil }
        var copy = self
        copy.actions = Self.mapAction(id, in: actions) { action in
            var replaced = new
            replaced.id = id
            if replaced.kind == .branch {
                if replaced.then.isEmpty { replaced.then = action.then }
                if replaced.otherwise.isEmpty { replaced.otherwise = action.otherwise }
            }
            if replaced.comments.isEmpty { replaced.comments = action.comments }
            action = replaced
        }
        return copy
    }

    /// A comment added to an action (W3); `nil` if there is no such action.
    public func commenting(_ id: String, _ comment: WorkflowAction.Comment) -> Workflow? {
        guard action(id) != nil else { return nil }
        var copy = self
        copy.actions = Self.mapAction(id, in: actions) { $0.comments.append(comment) }
        return copy
    }

    /// W3: the action removed alone (a branch goes with its arms), or with every action after it
    /// in its list, branches included. `nil` if there is no such action.
    public func deleting(_ id: String, withFollowing: Bool) -> Workflow? {
        guard let changed = Self.edit(actions, { list in
            guard let index = list.firstIndex(where: { $0.id == id }) else { return false }
            if withFollowing { list.removeSubrange(index...) } else { list.remove(at: index) }
            return true
        }) else { return nil }
        var copy = self
        copy.actions = changed
        return copy
    }

    /// Applies `change` to the list, among the workflow's lists, that it accepts (returns true for).
    static func edit(_ list: [WorkflowAction], _ change: (inout [WorkflowAction]) -> Bool) -> [WorkflowAction]? {
        var copy = list
        if change(&copy) { return copy }
        for index in copy.indices {
            if let then = edit(copy[index].then, change) {
                copy[index].then = then
                return copy
            }
            if let otherwise = edit(copy[index].otherwise, change) {
                copy[index].otherwise = otherwise
                return copy
            }
        }
        return nil
    }

    static func mapAction(_ id: String, in list: [WorkflowAction], _ change: (inout WorkflowAction) -> Void) -> [WorkflowAction] {
        list.map { action in
            var action = action
            if action.id == id {
                change(&action)
            } else {
                action.then = mapAction(id, in: action.then, change)
                action.otherwise = mapAction(id, in: action.otherwise, change)
            }
            return action
        }
    }

    /// An id for a new action that no action of this workflow has or had: a run waiting for a
    /// deleted action must never find another in its place.
    public mutating func takeActionID() -> String {
        let highest = allActionIDs.compactMap { $0.hasPrefix("a") ? Int($0.dropFirst()) : nil }.max() ?? 0
        actionsNumbered = max(actionsNumbered, highest) + 1
        return "a\(actionsNumbered)"
    }
}

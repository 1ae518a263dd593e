import Mustache

// The items of the pages' lists answer the templates by name. Without this, every field a
// template reads reflects the whole item (Mirror), which took a quarter of a ticket page's time.
// A field added to one of these items is added to its switch here too, or templates read nothing.

extension TicketRoutes.StatusOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension TicketRoutes.SenderOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension TicketRoutes.Teammate: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "handle": handle
        case "name": self.name
        default: nil
        }
    }
}

extension TicketRoutes.AttachmentLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "size": size
        default: nil
        }
    }
}

extension TicketRoutes.MessageView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "kind": kind
        case "kindLabel": kindLabel
        case "sender": sender
        case "to": to
        case "cc": cc
        case "sentISO": sentISO
        case "text": text
        case "attachments": attachments
        case "hasAttachments": hasAttachments
        case "answerLink": answerLink
        case "frame": frame
        default: nil
        }
    }
}

extension TicketSide.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

extension TicketSide.Field: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "label": label
        case "value": value
        case "text": text
        case "textarea": textarea
        case "number": number
        case "date": date
        case "datetime": datetime
        case "select": select
        case "checkboxes": checkboxes
        case "options": options
        case "required": required
        case "none": none
        default: nil
        }
    }
}

extension TicketSide.Linked: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        default: nil
        }
    }
}

extension TicketSide.Activity: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "atISO": atISO
        default: nil
        }
    }
}

extension TicketSide.Choice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "label": label
        case "checked": checked
        default: nil
        }
    }
}

extension WorkspaceRoutes.SortOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "title": title
        case "selected": selected
        default: nil
        }
    }
}

extension WorkspaceRoutes.TicketRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "subject": subject
        case "status": status
        case "priority": priority
        case "owner": owner
        case "updated": updated
        case "updatedISO": updatedISO
        default: nil
        }
    }
}

extension WorkspaceRoutes.OwnerOption: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "name": self.name
        case "selected": selected
        default: nil
        }
    }
}

extension WorkspaceRoutes.StatusChoice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "label": label
        default: nil
        }
    }
}

extension WorkspaceRoutes.ViewLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "title": title
        case "count": count
        case "current": current
        case "saved": saved
        default: nil
        }
    }
}

extension RoutingRuleFields.Choice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "checked": checked
        default: nil
        }
    }
}

extension RoutingProfileRoutes.SkillField: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "label": label
        case "typed": typed
        case "text": text
        case "options": options
        default: nil
        }
    }
}

extension RoutingProfileRoutes.CapacityField: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "type": type
        case "label": label
        case "value": value
        default: nil
        }
    }
}

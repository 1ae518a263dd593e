/// The properties every install defines for the built-in object types, with the names the CRM v3
/// API uses, so that clients written against it find them.
public enum BuiltInProperties {
    public static func definitions(for type: ObjectType) -> [PropertyDefinition] {
        var list = common(for: type)
        switch type.name {
        case "tickets": list += tickets
        case "contacts": list += contacts
        case "companies": list += companies
        case "deals": list += deals
        case "projects": list += projects
        case "tasks": list += tasks
        default:
            if type.hasPipelines { list += pipelineProperties(pipeline: "hs_pipeline", stage: "hs_pipeline_stage") }
        }
        return list
    }

    /// The properties returned when a read names none.
    public static func defaultReadProperties(for type: ObjectType) -> [String] {
        switch type.name {
        case "tickets":
            ["content", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_pipeline",
             "hs_pipeline_stage", "hs_ticket_category", "hs_ticket_priority", "subject"]
        case "contacts": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"]
        case "companies": ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"]
        case "deals":
            ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate",
             "hs_object_id", "pipeline"]
        case "projects":
            ["createdate", "hs_lastmodifieddate", "hs_name", "hs_object_id", "hs_pipeline", "hs_pipeline_stage",
             "hs_start_date", "hs_target_due_date"]
        case "tasks":
            ["createdate", "hs_lastmodifieddate", "hs_object_id", "hs_task_priority", "hs_task_status", "hs_task_subject", "hs_timestamp"]
        default:
            ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"]
                + (type.hasPipelines ? ["hs_pipeline", "hs_pipeline_stage"] : [])
        }
    }

    static func common(for type: ObjectType) -> [PropertyDefinition] {
        let created = type.isCustom ? "hs_createdate" : "createdate"
        return [
            .init(name: "hs_object_id", label: "Record ID", type: .number, readOnlyValue: true, builtIn: true),
            .init(name: created, label: "Create Date", type: .datetime, readOnlyValue: true, builtIn: true),
            .init(name: type.lastModifiedProperty, label: "Last Modified Date", type: .datetime,
                  readOnlyValue: true, builtIn: true),
            .init(name: "hubspot_owner_id", label: "Owner", type: .enumeration, fieldType: "select", builtIn: true),
            .init(name: "hubspot_team_id", label: "Team", type: .enumeration, fieldType: "select", builtIn: true),
        ]
    }

    static func pipelineProperties(pipeline: String, stage: String) -> [PropertyDefinition] {
        [
            .init(name: pipeline, label: "Pipeline", type: .enumeration, fieldType: "select", builtIn: true),
            .init(name: stage, label: "Stage", type: .enumeration, fieldType: "select", builtIn: true),
        ]
    }

    static let tickets: [PropertyDefinition] = pipelineProperties(pipeline: "hs_pipeline", stage: "hs_pipeline_stage") + [
        .init(name: "subject", label: "Ticket name", type: .string, builtIn: true),
        .init(name: "content", label: "Ticket description", type: .string, fieldType: "textarea", builtIn: true),
        .init(name: "hs_ticket_priority", label: "Priority", type: .enumeration, fieldType: "select",
              options: options(["LOW": "Low", "MEDIUM": "Medium", "HIGH": "High", "URGENT": "Urgent"],
                               order: ["LOW", "MEDIUM", "HIGH", "URGENT"]), builtIn: true),
        .init(name: "hs_ticket_category", label: "Category", type: .enumeration, fieldType: "checkbox",
              options: options(["PRODUCT_ISSUE": "Product issue", "BILLING_ISSUE": "Billing issue",
                                "FEATURE_REQUEST": "Feature request", "GENERAL_INQUIRY": "General inquiry"],
                               order: ["PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY"]),
              builtIn: true),
        .init(name: "source_type", label: "Source", type: .enumeration, fieldType: "select",
              options: options(["EMAIL": "Email", "CHAT": "Chat", "PHONE": "Phone", "FORM": "Form",
                                "API": "API", "WHATSAPP": "WhatsApp", "MANUAL": "Manual", "WORKFLOW": "Workflow",
                                "CUSTOM_CHANNEL": "Custom channel"],
                               order: ["EMAIL", "CHAT", "PHONE", "FORM", "API", "WHATSAPP", "MANUAL", "WORKFLOW", "CUSTOM_CHANNEL"]),
              builtIn: true),
        .init(name: "closed_date", label: "Close date", type: .datetime, builtIn: true),
        .init(name: "hs_resolution", label: "Resolution", type: .string, builtIn: true),
        .init(name: "hs_language", label: "Language", type: .string, builtIn: true),
    ]

    static let contacts: [PropertyDefinition] = [
        .init(name: "email", label: "Email", type: .string, builtIn: true, hasUniqueValue: true),
        .init(name: "firstname", label: "First Name", type: .string, builtIn: true),
        .init(name: "lastname", label: "Last Name", type: .string, builtIn: true),
        .init(name: "phone", label: "Phone Number", type: .string, fieldType: "phonenumber", builtIn: true),
        .init(name: "company", label: "Company Name", type: .string, builtIn: true),
        .init(name: "website", label: "Website URL", type: .string, builtIn: true),
        .init(name: "jobtitle", label: "Job Title", type: .string, builtIn: true),
        .init(name: "hs_marketable_status", label: "Marketing contact status", type: .bool, builtIn: true),
        .init(name: "lifecyclestage", label: "Lifecycle Stage", type: .enumeration, fieldType: "radio",
              options: options(["subscriber": "Subscriber", "lead": "Lead", "customer": "Customer", "other": "Other"],
                               order: ["subscriber", "lead", "customer", "other"]), builtIn: true),
    ]

    static let companies: [PropertyDefinition] = [
        .init(name: "name", label: "Company name", type: .string, builtIn: true),
        .init(name: "domain", label: "Company Domain Name", type: .string, builtIn: true),
        .init(name: "website", label: "Website URL", type: .string, builtIn: true),
        .init(name: "phone", label: "Phone Number", type: .string, fieldType: "phonenumber", builtIn: true),
        .init(name: "city", label: "City", type: .string, builtIn: true),
        .init(name: "country", label: "Country/Region", type: .string, builtIn: true),
        .init(name: "industry", label: "Industry", type: .string, builtIn: true),
    ]

    static let deals: [PropertyDefinition] = pipelineProperties(pipeline: "pipeline", stage: "dealstage") + [
        .init(name: "dealname", label: "Deal Name", type: .string, builtIn: true),
        .init(name: "amount", label: "Amount", type: .number, builtIn: true),
        .init(name: "closedate", label: "Close Date", type: .datetime, builtIn: true),
        .init(name: "description", label: "Deal Description", type: .string, fieldType: "textarea", builtIn: true),
    ]

    static let projects: [PropertyDefinition] = pipelineProperties(pipeline: "hs_pipeline", stage: "hs_pipeline_stage") + [
        .init(name: "hs_name", label: "Project Name", type: .string, builtIn: true),
        .init(name: "hs_description", label: "Description", type: .string, fieldType: "textarea", builtIn: true),
        .init(name: "hs_start_date", label: "Start Date", type: .date, builtIn: true),
        .init(name: "hs_target_due_date", label: "Target Due Date", type: .date, builtIn: true),
    ]

    static let tasks: [PropertyDefinition] = [
        .init(name: "hs_task_subject", label: "Task Title", type: .string, builtIn: true),
        .init(name: "hs_task_body", label: "Task Notes", type: .string, fieldType: "textarea", builtIn: true),
        .init(name: "hs_timestamp", label: "Due Date", type: .datetime, builtIn: true),
        .init(name: "hs_task_status", label: "Task Status", type: .enumeration, fieldType: "select",
              options: options(["NOT_STARTED": "Not started", "IN_PROGRESS": "In progress", "WAITING": "Waiting",
                                "COMPLETED": "Completed", "DEFERRED": "Deferred"],
                               order: ["NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"]), builtIn: true),
        .init(name: "hs_task_priority", label: "Priority", type: .enumeration, fieldType: "select",
              options: options(["NONE": "None", "LOW": "Low", "MEDIUM": "Medium", "HIGH": "High"], order: ["NONE", "LOW", "MEDIUM", "HIGH"]),
              builtIn: true),
        .init(name: "hs_task_type", label: "Task Type", type: .enumeration, fieldType: "select",
              options: options(["TODO": "To-do", "CALL": "Call", "EMAIL": "Email"], order: ["TODO", "CALL", "EMAIL"]), builtIn: true),
    ]

    static func options(_ labels: [String: String], order: [String]) -> [PropertyDefinition.Option] {
        order.enumerated().map { index, value in .init(label: labels[value] ?? value, value: value, displayOrder: index) }
    }
}

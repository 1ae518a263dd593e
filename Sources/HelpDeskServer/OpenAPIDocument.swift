import Foundation
import HelpDeskCore
import Hummingbird

/// The OpenAPI 3.0 description of the server's HTTP side: the JSON API, the public pages and the
/// channels' webhooks. Built from the routes as they are registered (`RouteBook`), so that it lists
/// exactly the routes, statuses and media types the server answers. Served at `/openapi.json`.
enum OpenAPIDocument {
    static func json(for book: RouteBook) throws -> Data {
        var paths: [String: [String: Any]] = [:]
        for entry in book.entries {
            var operation: [String: Any] = [
                "operationId": entry.operationID,
                "summary": entry.summary,
                "tags": [entry.tag],
                "responses": responses(for: entry),
            ]
            let parameters = entry.pathParameters.map { name -> [String: Any] in
                ["name": name, "in": "path", "required": true, "schema": ["type": "string"]]
            } + entry.query.map { name, description -> [String: Any] in
                ["name": name, "in": "query", "required": false, "description": description, "schema": ["type": "string"]]
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let request = entry.request {
                var media: [String: Any] = ["schema": reference(request)]
                if let example = examples[request] { media["example"] = example }
                operation["requestBody"] = ["required": true, "content": [entry.requestContent: media]]
            }
            if entry.authenticated { operation["security"] = [["bearer": [String]()]] }
            paths[entry.openAPIPath, default: [:]][entry.method.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.0.3",
            "info": [
                "title": "Help desk API",
                "version": "1",
                "description": "Records, pipelines, owners, properties, object types and associations, in the shape of the CRM v3 API; "
                    + "conversations, forms and their public pages, live chat and the channels' webhooks. "
                    + "A path asked with a method it does not serve answers 405 with Allow.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": schemas,
            ],
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted])
    }

    static func responses(for entry: RouteBook.Entry) -> [String: Any] {
        var responses: [String: Any] = [:]
        for answer in entry.answers {
            var response: [String: Any] = ["description": answer.description]
            if let content = answer.content {
                response["content"] = [content: ["schema": answer.schema.map(reference) ?? string]]
            }
            if !answer.headers.isEmpty {
                response["headers"] = answer.headers.mapValues { ["description": $0, "required": true, "schema": string] }
            }
            responses[String(answer.status)] = response
        }
        return responses
    }

    static func reference(_ name: String) -> [String: Any] {
        if name.hasSuffix("[]") {
            return ["type": "array", "items": reference(String(name.dropLast(2)))]
        }
        return ["$ref": "#/components/schemas/\(name)"]
    }

    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    static var string: [String: Any] { ["type": "string"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var boolean: [String: Any] { ["type": "boolean"] }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static var stringMap: [String: Any] { ["type": "object", "additionalProperties": ["type": "string"]] }
    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
    static var chatbotText: [String: Any] { ["type": "string", "maxLength": 4_000] }
    static var paging: [String: Any] { object(["next": object(["after": string, "link": string], required: ["after"])]) }

    static var schemas: [String: Any] { [
        "Error": object([
            "status": string, "message": string, "correlationId": string, "category": string,
            "errors": array(object(["message": string, "code": string, "context": ["type": "object"]])),
        ], required: ["status", "message", "correlationId", "category"]),
        "Health": object(["status": string], required: ["status"]),
        "OpenAPIDocument": object(["openapi": string, "info": ["type": "object"], "paths": ["type": "object"],
                                   "components": ["type": "object"]], required: ["openapi", "info", "paths"]),
        "SimplePublicObject": object([
            "id": string, "properties": ["type": "object", "additionalProperties": ["type": "string", "nullable": true]],
            "propertiesWithHistory": ["type": "object", "additionalProperties": array(object([
                "value": string, "timestamp": dateTime, "sourceType": string, "sourceId": string, "updatedByUserId": integer,
            ]))],
            "associations": ["type": "object", "additionalProperties": object(["results": array(object(["id": string, "type": string]))])],
            "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean, "archivedAt": dateTime,
        ], required: ["id", "properties", "createdAt", "updatedAt", "archived"]),
        "SimplePublicObjectInput": object(["properties": stringMap], required: ["properties"]),
        "SimplePublicObjectInputForCreate": object([
            "properties": stringMap,
            "associations": array(object([
                "to": object(["id": string], required: ["id"]),
                "types": array(object(["associationCategory": string, "associationTypeId": integer])),
            ])),
        ], required: ["properties"]),
        "BatchInputForCreate": object(["inputs": reference("SimplePublicObjectInputForCreate[]")], required: ["inputs"]),
        "BatchInputUpdate": object(["inputs": array(object(["id": string, "properties": stringMap], required: ["id", "properties"])),
                                    "idProperty": string], required: ["inputs"]),
        "BatchInputIds": object(["inputs": array(object(["id": string], required: ["id"])), "properties": array(string),
                                 "propertiesWithHistory": array(string), "idProperty": string], required: ["inputs"]),
        "BatchResponse": object([
            "status": string, "results": reference("SimplePublicObject[]"), "startedAt": dateTime, "completedAt": dateTime,
            "numErrors": integer, "errors": reference("BatchError[]"),
        ], required: ["status", "results", "startedAt", "completedAt"]),
        "BatchError": object([
            "status": string, "category": string, "message": string,
            "context": ["type": "object", "additionalProperties": array(string), "description": "ids: the inputs it concerns"],
        ], required: ["status", "category", "message", "context"]),
        "CollectionResponse": object(["results": reference("SimplePublicObject[]"), "paging": paging], required: ["results"]),
        "Timeline": object(["results": array(object([
            "id": string, "type": string, "occurredAt": dateTime, "actorId": string, "sourceType": string, "propertyName": string,
            "oldValue": string, "newValue": string, "values": stringMap, "conversationId": string,
        ], required: ["id", "type", "occurredAt", "actorId", "sourceType"]))], required: ["results"]),
        "CollectionResponseWithTotal": object(["total": integer, "results": reference("SimplePublicObject[]"), "paging": paging],
                                              required: ["total", "results"]),
        "Filter": object([
            "propertyName": string, "operator": ["type": "string", "enum": SearchRequest.Operator.allCases.map(\.rawValue)],
            "value": string, "highValue": string, "values": array(string),
        ], required: ["propertyName", "operator"]),
        "PublicObjectSearchRequest": object([
            "filterGroups": array(object(["filters": reference("Filter[]")])),
            "sorts": array(["oneOf": [string, object(["propertyName": string, "direction": ["type": "string", "enum": ["ASCENDING", "DESCENDING"]]])]]),
            "query": string, "properties": array(string), "limit": ["type": "integer", "maximum": 200], "after": string,
        ]),
        "PipelineStage": object([
            "id": string, "label": string, "displayOrder": integer, "metadata": stringMap, "createdAt": dateTime,
            "updatedAt": dateTime, "archived": boolean, "writePermissions": string,
        ], required: ["id", "label", "displayOrder", "metadata", "createdAt", "updatedAt", "archived", "writePermissions"]),
        "Pipeline": object([
            "id": string, "label": string, "displayOrder": integer, "stages": reference("PipelineStage[]"),
            "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean,
            "setsCloseDate": ["type": "boolean", "description": "Set a ticket's close date when it enters a CLOSED status."],
        ], required: ["id", "label", "displayOrder", "stages", "createdAt", "updatedAt", "archived", "setsCloseDate"]),
        "PipelineStageInput": object([
            "label": string, "displayOrder": integer,
            "metadata": ["type": "object", "additionalProperties": ["type": "string"],
                         "description": "ticketState (OPEN or CLOSED) for ticket statuses; requiredProperties lists properties, separated by ;, a record needs to enter the stage."],
        ], required: ["label", "metadata"]),
        "PipelineInput": object(["label": string, "displayOrder": integer, "stages": reference("PipelineStageInput[]"),
                                 "setsCloseDate": boolean], required: ["label", "stages"]),
        "PipelinePatchInput": object(["label": string, "displayOrder": integer, "archived": boolean, "setsCloseDate": boolean]),
        "PipelineList": object(["results": reference("Pipeline[]")], required: ["results"]),
        "PipelineStageList": object(["results": reference("PipelineStage[]")], required: ["results"]),
        "Owner": object([
            "id": string, "email": string, "type": string, "firstName": string, "lastName": string, "userId": integer,
            "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean,
            "teams": array(object(["id": string, "name": string, "primary": boolean])),
        ], required: ["id", "email", "type", "firstName", "lastName", "createdAt", "updatedAt", "archived", "teams"]),
        "OwnerPage": object(["results": reference("Owner[]"), "paging": paging], required: ["results"]),
        "User": object([
            "id": string, "email": string, "firstName": string, "lastName": string, "roleIds": array(string),
            "roleId": ["type": "string", "nullable": true], "superAdmin": boolean, "primaryTeamId": ["type": "string", "nullable": true],
            "secondaryTeamIds": array(string), "ticketScope": ["type": "string", "enum": ["all", "team", "own"]], "serviceSeat": boolean,
            "invitationLink": ["type": "string", "nullable": true],
        ], required: ["id", "email", "firstName", "lastName", "roleIds", "superAdmin", "secondaryTeamIds", "ticketScope", "serviceSeat"]),
        "UserPage": object(["results": reference("User[]"), "paging": paging], required: ["results"]),
        "UserCreate": object([
            "email": string, "sendWelcomeEmail": boolean, "firstName": string, "lastName": string, "roleId": string, "roleIds": array(string),
            "primaryTeamId": string, "secondaryTeamIds": array(string), "ticketScope": ["type": "string", "enum": ["all", "team", "own"]],
            "serviceSeat": boolean,
        ], required: ["email"]),
        "UserUpdate": object([
            "firstName": string, "lastName": string, "roleId": string, "roleIds": array(string), "primaryTeamId": string,
            "secondaryTeamIds": array(string), "ticketScope": ["type": "string", "enum": ["all", "team", "own"]], "serviceSeat": boolean,
        ]),
        "TeamList": object(["results": array(object(["id": string, "name": string, "userIds": array(string), "secondaryUserIds": array(string)],
                                                      required: ["id", "name", "userIds", "secondaryUserIds"]))], required: ["results"]),
        "RoleList": object(["results": array(object(["id": string, "name": string, "requiresBillingWrite": boolean],
                                                      required: ["id", "name", "requiresBillingWrite"]))], required: ["results"]),
        "Property": object([
            "name": string, "label": string,
            "type": ["type": "string", "enum": ["string", "number", "date", "datetime", "enumeration", "bool"]],
            "fieldType": string, "description": string, "groupName": string, "hasUniqueValue": boolean,
            "options": array(object(["label": string, "value": string, "displayOrder": integer, "hidden": boolean])),
            "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean,
        ], required: ["name", "label", "type", "fieldType", "description", "groupName", "hasUniqueValue", "options", "createdAt",
                      "updatedAt", "archived"]),
        "PropertyCreate": object([
            "name": string, "label": string, "type": string, "fieldType": string, "groupName": string, "description": string,
            "hasUniqueValue": boolean, "options": array(object(["label": string, "value": string, "displayOrder": integer, "hidden": boolean])),
        ], required: ["name", "label", "type", "fieldType"]),
        "PropertyList": object(["results": reference("Property[]")], required: ["results"]),
        "ObjectSchema": object([
            "id": string, "objectTypeId": string, "fullyQualifiedName": string, "name": string,
            "labels": object(["singular": string, "plural": string]), "primaryDisplayProperty": string,
            "requiredProperties": array(string), "searchableProperties": array(string), "properties": reference("Property[]"),
            "associations": array(object(["id": string, "fromObjectTypeId": string, "toObjectTypeId": string, "name": string])),
            "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean,
        ], required: ["id", "objectTypeId", "fullyQualifiedName", "name", "labels", "primaryDisplayProperty", "requiredProperties",
                      "searchableProperties", "properties", "associations", "createdAt", "updatedAt", "archived"]),
        "ObjectSchemaEgg": object([
            "name": string, "labels": object(["singular": string, "plural": string]), "primaryDisplayProperty": string,
            "requiredProperties": array(string), "searchableProperties": array(string), "properties": reference("PropertyCreate[]"),
            "associatedObjects": array(string),
        ], required: ["name", "labels", "requiredProperties", "properties"]),
        "ObjectSchemaList": object(["results": reference("ObjectSchema[]")], required: ["results"]),
        "DeliveryIdentifier": object(["type": string, "value": string], required: ["type", "value"]),
        "ChannelAccount": object([
            "id": string, "channelId": ["type": "string", "enum": ["EMAIL", "FORM", "CHAT", "WHATSAPP", "CALL", "CUSTOM"]],
            "name": string, "active": boolean, "archived": boolean, "createdAt": dateTime,
            "deliveryIdentifier": reference("DeliveryIdentifier"), "pipelineId": string,
            "createsTickets": ["type": "boolean", "description": "C1: create a ticket for every new incoming conversation."],
            "outboundUrl": string, "hasSigningSecret": boolean, "hasVerifyToken": boolean, "hasAccessToken": boolean,
            "openingHours": reference("OpeningHours"), "voicemailGreeting": string, "forwardTo": array(string),
            "acknowledgement": string, "chatbot": reference("Chatbot"),
        ], required: ["id", "channelId", "name", "active", "archived", "createdAt", "deliveryIdentifier", "pipelineId", "createsTickets",
                      "hasSigningSecret", "hasVerifyToken", "hasAccessToken"]),
        "ChannelAccountInput": object([
            "channelId": string, "name": string, "deliveryIdentifier": reference("DeliveryIdentifier"), "pipelineId": string,
            "createsTickets": boolean,
            "outboundUrl": ["type": "string", "description": "Custom channels: where replies are posted. WhatsApp: the Cloud API base URL."],
            "signingSecret": ["type": "string", "description": "Custom: signs posts. WhatsApp: the app secret. Calls: the auth token."],
            "verifyToken": ["type": "string", "description": "WhatsApp: the webhook subscription's verify token."],
            "accessToken": ["type": "string", "description": "WhatsApp: the Cloud API access token."],
            "openingHours": reference("OpeningHours"),
            "voicemailGreeting": string, "forwardTo": array(string),
            "acknowledgement": ["type": "string", "description": "Email: the automatic answer to mail that opens a ticket; {{ticket}} is its number."],
            "chatbot": reference("Chatbot"),
        ]),
        "OpeningHours": [
            "type": "object", "properties": ["timeZone": string], "required": ["timeZone"], "additionalProperties": array(string),
            "description": "Calls (A8): {\"timeZone\": \"Europe/Paris\", \"monday\": [\"09:00-17:00\"], ...}",
        ],
        "RoutingRule": object([
            "assignment": ["type": "string", "enum": RoutingRule.Assignment.allCases.map(\.rawValue)],
            "userIds": array(string), "teamIds": array(string),
            "distribution": ["type": "string", "enum": Distribution.allCases.map(\.rawValue)],
            "availableOnly": boolean, "skillProperties": array(string), "rerouteReopened": boolean,
        ], required: ["assignment"]),
        "Skill": object(["property": string, "value": string], required: ["property", "value"]),
        "AgentRouting": object([
            "status": ["type": "string", "enum": RoutingProfile.Status.allCases.map(\.rawValue)],
            "workingHours": reference("OpeningHours"), "skills": reference("Skill[]"), "phone": string, "followsOfficeHours": boolean,
            "capacity": ["type": "object", "additionalProperties": integer,
                         "description": "Open tickets at most, by work type: \(WorkType.allCases.map(\.rawValue).joined(separator: ", "))"],
        ]),
        "OfficeHours": object(["hours": reference("OpeningHours"), "holidays": array(["type": "string", "format": "date"])],
                              required: ["hours"]),
        "AvailabilityInput": object(["status": ["type": "string", "enum": RoutingProfile.Status.allCases.map(\.rawValue)]],
                                    required: ["status"]),
        "RoutingDecision": object([
            "ticketId": string, "channelId": string, "decidedAt": dateTime, "sentence": string, "ownerId": string, "teamId": string,
            "assignment": string, "distribution": string, "workType": string, "availableOnly": boolean,
            "requiredSkills": reference("Skill[]"), "contactOwnerId": string,
            "candidates": array(object(["userId": string, "load": integer, "excluded": string, "missingSkills": reference("Skill[]"),
                                        "capacity": integer, "openTickets": integer], required: ["userId"])),
            "named": integer, "leftOut": ["type": "object", "additionalProperties": integer],
        ], required: ["ticketId", "channelId", "decidedAt", "sentence", "assignment", "workType", "availableOnly", "requiredSkills",
                      "candidates", "named", "leftOut"]),
        "Chatbot": object([
            "name": chatbotText, "greeting": chatbotText,
            "rules": ["type": "array", "maxItems": 200, "items": object([
                "keywords": ["type": "array", "minItems": 1, "items": string],
                "answer": ["type": "string", "minLength": 1, "maxLength": 4_000],
            ], required: ["keywords", "answer"])],
            "handOffKeywords": array(string), "handOffMessage": chatbotText, "fallback": chatbotText,
        ]),
        "CustomChannelMessageInput": object([
            "messageDirection": ["type": "string", "enum": ["INCOMING"]], "text": string, "richText": string,
            "integrationThreadId": string, "integrationIdempotencyId": string, "channelAccountId": string, "timestamp": dateTime,
            "senders": array(object(["name": string, "deliveryIdentifier": reference("DeliveryIdentifier")])),
        ], required: ["text", "senders"]),
        "ChannelAccountList": object(["results": reference("ChannelAccount[]")], required: ["results"]),
        "PipelineChannelInput": object(["createsTickets": boolean], required: ["createsTickets"]),
        "Thread": object([
            "id": string, "createdAt": dateTime, "status": ["type": "string", "enum": ["OPEN", "CLOSED"]], "closedAt": dateTime,
            "originalChannelId": string, "originalChannelAccountId": string, "latestMessageTimestamp": dateTime,
            "spam": boolean, "archived": boolean, "assignedTo": string, "associatedContactId": string,
            "associatedTicketId": string, "subject": string,
            "handledByBot": ["type": "boolean", "description": "A live chat the chatbot still handles: no ticket yet (C2)."],
            "archivedAt": dateTime,
        ], required: ["id", "createdAt", "status", "originalChannelId", "originalChannelAccountId", "latestMessageTimestamp", "spam",
                      "archived", "subject", "handledByBot"]),
        "ThreadPage": object(["results": reference("Thread[]"), "paging": paging], required: ["results"]),
        "Message": object([
            "type": ["type": "string", "enum": ["MESSAGE", "COMMENT"]], "id": string, "conversationsThreadId": string,
            "createdAt": dateTime, "createdBy": string,
            "senders": array(object(["actorId": string, "name": string, "deliveryIdentifier": reference("DeliveryIdentifier")])),
            "recipients": array(object(["deliveryIdentifier": reference("DeliveryIdentifier"), "recipientField": string])),
            "archived": boolean, "text": string, "richText": ["type": "string", "description": "Sanitised HTML."],
            "subject": string, "truncationStatus": string, "inReplyToId": string,
            "status": object(["statusType": ["type": "string", "enum": ["RECEIVED", "QUEUED", "SENT", "FAILED"]],
                              "failureDetails": object(["errorMessage": string], required: ["errorMessage"]), "attempts": integer],
                             required: ["statusType"]),
            "direction": ["type": "string", "enum": ["INCOMING", "OUTGOING"]], "channelId": string, "channelAccountId": string,
            "attachments": array(object(["id": string, "name": string, "type": string, "contentType": string, "size": integer,
                                         "inline": boolean, "url": string],
                                        required: ["id", "name", "type", "contentType", "size", "inline", "url"])),
            "isForward": boolean, "repliesToForward": boolean, "automatic": ["type": "string", "enum": ["AUTO_REPLY", "BOUNCE", "BULK", "LOOP"]],
        ], required: ["type", "id", "conversationsThreadId", "createdAt", "createdBy", "senders", "recipients", "archived", "text",
                      "subject", "truncationStatus", "status", "direction", "channelId", "channelAccountId", "attachments", "isForward",
                      "repliesToForward"]),
        "MessageInput": object([
            "type": ["type": "string", "enum": ["MESSAGE", "COMMENT"]], "text": string, "richText": string,
            "recipients": array(object(["deliveryIdentifier": reference("DeliveryIdentifier"),
                                        "recipientField": ["type": "string", "enum": ["TO", "CC", "BCC"]]])),
            "channelAccountId": ["type": "string", "description": "The team address to send from (R2)."],
            "inReplyToId": ["type": "string", "description": "The message answered (R1); the latest from the customer by default."],
            "subject": string,
            "ticketStatus": ["type": "string", "description": "R5: the ticket's status, set with the message in one transaction."],
        ]),
        "MessagePage": object(["results": reference("Message[]")], required: ["results"]),
        "FormField": object([
            "objectTypeId": ["type": "string", "description": "0-1 for a contact property, 0-5 for a ticket property."],
            "name": string, "label": string, "required": boolean, "hidden": boolean,
            "fieldType": ["type": "string", "enum": ["single_line_text", "multi_line_text", "email", "phone", "number", "date",
                                                     "dropdown", "single_checkbox"]],
        ], required: ["objectTypeId", "name"]),
        "FormFieldGroup": object(["groupType": string, "richTextType": string, "fields": reference("FormField[]")], required: ["fields"]),
        "FormConfiguration": object([
            "postSubmitAction": object(["type": string, "value": string]), "pipelineId": string,
            "createsTickets": ["type": "boolean", "description": "C1: a ticket for every submission."], "channelAccountId": string,
        ]),
        "Form": object([
            "id": string, "name": string, "formType": string, "createdAt": dateTime, "updatedAt": dateTime, "archived": boolean,
            "fieldGroups": reference("FormFieldGroup[]"), "displayOptions": object(["submitButtonText": string]),
            "configuration": reference("FormConfiguration"), "url": string, "embedCode": string,
        ], required: ["id", "name", "formType", "createdAt", "updatedAt", "archived", "fieldGroups", "displayOptions", "configuration",
                      "url", "embedCode"]),
        "FormInput": object([
            "name": string, "fieldGroups": reference("FormFieldGroup[]"), "displayOptions": object(["submitButtonText": string]),
            "configuration": reference("FormConfiguration"),
        ], required: ["name", "fieldGroups"]),
        "FormPage": object(["results": reference("Form[]")], required: ["results"]),
        "SubmissionInput": object([
            "fields": array(object(["objectTypeId": string, "name": string, "value": string], required: ["name", "value"])),
        ], required: ["fields"]),
        "SubmissionResult": object(["inlineMessage": string], required: ["inlineMessage"]),
        "FormPageSubmission": ["type": "object", "additionalProperties": string,
                               "description": "The page's fields by name: 0-1/email for a contact property, 0-5/subject for a ticket's."],
        "WhatsAppWebhook": object(["object": string, "entry": array(object(["id": string, "changes": array(object([
            "field": string, "value": ["type": "object", "description": "metadata.phone_number_id, contacts and messages"],
        ]))]))]),
        "WebhookReceipt": object(["status": string], required: ["status"]),
        "CallWebhook": object([
            "CallSid": string, "From": string, "To": string, "DialCallStatus": string, "RecordingStatus": string,
            "RecordingUrl": string, "RecordingSid": string, "RecordingDuration": string,
        ], required: ["CallSid"]),
        "ThreadChangeInput": object([
            "status": ["type": "string", "enum": ["OPEN", "CLOSED"]],
            "archived": ["type": "boolean", "description": "false restores the conversation from the trash (C7)."],
            "assignedTo": ["type": "string", "nullable": true, "description": "A-<user id>; null unassigns. The ticket follows (C5)."],
        ]),
        "TicketInput": object(["properties": stringMap]),
        "Notification": object([
            "id": string, "type": ["type": "string", "enum": AgentNotification.Kind.allCases.map(\.rawValue)], "text": string, "createdAt": dateTime,
            "readAt": dateTime, "read": boolean, "actorId": string, "conversationsThreadId": string, "messageId": string,
            "ticketId": string, "link": string,
        ], required: ["id", "type", "text", "createdAt", "read"]),
        "NotificationPage": object(["results": reference("Notification[]"), "paging": paging], required: ["results"]),
        "ReadInput": object(["ids": array(string)]),
        "NotificationDelivery": object(["workspace": boolean, "email": boolean], required: ["workspace", "email"]),
        "NotificationPreferences": [
            "type": "object", "additionalProperties": false,
            "properties": Dictionary(uniqueKeysWithValues: AgentNotification.Kind.allCases.map { ($0.rawValue, reference("NotificationDelivery")) }),
        ],
        "NotificationSettings": object(["own": reference("NotificationPreferences"), "defaults": reference("NotificationPreferences"),
                                        "effective": reference("NotificationPreferences")], required: ["own", "defaults", "effective"]),
        "ReadResult": object(["updated": integer], required: ["updated"]),
        "FlowTrigger": object(["type": ["type": "string", "enum": ["STAGE_ENTERED", "EMAIL_SENT", "CUSTOMER_REPLIED"]], "stageId": string],
                              required: ["type"]),
        "FlowAction": object([
            "id": string, "type": ["type": "string", "enum": WorkflowAction.Kind.allCases.map(\.rawValue)],
            "fields": stringMap, "criteria": reference("Filter[]"), "then": reference("FlowAction[]"), "otherwise": reference("FlowAction[]"),
            "comments": array(object(["authorId": string, "text": string, "at": dateTime], required: ["text"])),
        ], required: ["type"]),
        "Flow": object([
            "id": string, "name": string, "isEnabled": boolean, "objectTypeId": string, "pipelineId": string,
            "trigger": reference("FlowTrigger"), "enrollmentCriteria": reference("Filter[]"), "actions": reference("FlowAction[]"),
            "revisionId": string, "updatedAt": dateTime, "updatedBy": string,
        ], required: ["id", "name", "isEnabled", "objectTypeId", "pipelineId", "trigger", "enrollmentCriteria", "actions", "revisionId"]),
        "FlowInput": object([
            "name": string, "isEnabled": boolean, "objectTypeId": string, "pipelineId": string, "trigger": reference("FlowTrigger"),
            "enrollmentCriteria": reference("Filter[]"), "actions": reference("FlowAction[]"),
        ], required: ["name", "pipelineId", "trigger"]),
        "FlowList": object(["results": reference("Flow[]")], required: ["results"]),
        "FlowActionInput": object(["action": reference("FlowAction"), "after": string, "branchId": string, "otherwise": boolean],
                                  required: ["action"]),
        "FlowCommentInput": object(["text": string], required: ["text"]),
        "FlowDryRunInput": object(["objectId": string], required: ["objectId"]),
        "FlowDryRun": object(["enrolls": boolean, "reason": string, "steps": array(object([
            "actionId": string, "type": string, "outcome": string, "skipped": boolean]))], required: ["enrolls", "steps"]),
        "FlowRun": object([
            "id": string, "flowId": string, "revisionId": string, "objectTypeId": string, "objectId": string,
            "status": ["type": "string", "enum": WorkflowRun.Status.allCases.map(\.rawValue)], "currentActionId": string, "wakeAt": dateTime,
            "reason": string, "startedAt": dateTime, "endedAt": dateTime,
            "steps": array(object(["actionId": string, "type": string, "outcome": ["type": "string", "enum": ["DONE", "SKIPPED", "FAILED"]],
                                   "detail": string, "at": dateTime])),
        ], required: ["id", "flowId", "objectId", "status", "startedAt", "steps"]),
        "FlowRunList": object(["results": reference("FlowRun[]")], required: ["results"]),
        "EmailTemplate": object(["id": string, "name": string, "subject": string, "body": string, "transactional": boolean,
                                 "builtIn": boolean, "updatedAt": dateTime], required: ["name", "subject", "body"]),
        "EmailTemplateList": object(["results": reference("EmailTemplate[]")], required: ["results"]),

        "AssociationSpec": object(["associationCategory": string, "associationTypeId": integer], required: ["associationTypeId"]),
        "DefaultAssociationResponse": object([
            "status": string, "startedAt": dateTime, "completedAt": dateTime,
            "results": array(object(["from": object(["id": string]), "to": object(["id": string]),
                                     "associationSpec": reference("AssociationSpec")])),
        ], required: ["status", "results", "startedAt", "completedAt"]),
        "LabelsBetweenObjectPair": object([
            "fromObjectTypeId": string, "fromObjectId": integer, "toObjectTypeId": string, "toObjectId": integer,
            "labels": array(string),
        ], required: ["fromObjectTypeId", "fromObjectId", "toObjectTypeId", "toObjectId", "labels"]),
        "AssociationPage": object([
            "results": array(object(["toObjectId": integer, "associationTypes": array(object([
                "category": string, "typeId": integer, "label": ["type": "string", "nullable": true],
            ]))])),
            "paging": paging,
        ], required: ["results"]),
    ] }

    /// A request body of each input schema that the server takes as it is, shown with the
    /// operations that take it (and sent first by tools that test the API from this document).
    static var examples: [String: Any] {
        let ticket: [String: Any] = ["properties": ["subject": "Printer on fire", "hs_pipeline": "0", "hs_pipeline_stage": "1"]]
        return [
            "SimplePublicObjectInputForCreate": ticket,
            "SimplePublicObjectInput": ["properties": ["subject": "Printer still on fire"]],
            "UserCreate": ["email": "new.agent@example.com", "firstName": "New", "lastName": "Agent", "roleIds": ["help-desk"],
                           "sendWelcomeEmail": false],
            "UserUpdate": ["ticketScope": "team", "serviceSeat": true],
            "BatchInputForCreate": ["inputs": [ticket]],
            "BatchInputUpdate": ["inputs": [["id": "1", "properties": ["subject": "Printer still on fire"]]]],
            "BatchInputIds": ["inputs": [["id": "1"], ["id": "404404"]]],
            "PublicObjectSearchRequest": [
                "filterGroups": [["filters": [["propertyName": "subject", "operator": "CONTAINS_TOKEN", "value": "printer"]]]],
                "sorts": [["propertyName": "createdate", "direction": "DESCENDING"]], "limit": 10,
            ],
            "PipelineInput": ["label": "Escalations", "stages": [["label": "New", "metadata": ["ticketState": "OPEN"]],
                                                                 ["label": "Solved", "metadata": ["ticketState": "CLOSED"]]]],
            "PipelinePatchInput": ["setsCloseDate": true],
            "PipelineStageInput": ["label": "Waiting on us", "metadata": ["ticketState": "OPEN"]],
            "PipelineChannelInput": ["createsTickets": true],
            "PropertyCreate": ["name": "favourite_colour", "label": "Favourite colour", "type": "string", "fieldType": "text"],
            "ObjectSchemaEgg": ["name": "cars", "labels": ["singular": "Car", "plural": "Cars"], "primaryDisplayProperty": "model",
                                "requiredProperties": ["model"],
                                "properties": [["name": "model", "label": "Model", "type": "string", "fieldType": "text"]]],
            "AssociationSpec[]": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16]],
            "ChannelAccountInput": ["channelId": "EMAIL", "name": "Billing",
                                    "deliveryIdentifier": ["type": "HS_EMAIL_ADDRESS", "value": "billing@example.com"]],
            "ThreadChangeInput": ["status": "CLOSED"],
            "TicketInput": ["properties": ["subject": "Parcel lost"]],
            "MessageInput": ["type": "COMMENT", "text": "Looking into it."],
            "CustomChannelMessageInput": [
                "text": "My parcel never came.", "integrationThreadId": "thread-1", "integrationIdempotencyId": "message-1",
                "senders": [["name": "Ada", "deliveryIdentifier": ["type": "HS_EMAIL_ADDRESS", "value": "ada@example.org"]]],
            ],
            "FormInput": ["name": "Contact us", "fieldGroups": [["fields": [
                ["objectTypeId": "0-1", "name": "email", "label": "Email", "required": true],
                ["objectTypeId": "0-5", "name": "content", "label": "Your question"],
            ]]]],
            "SubmissionInput": ["fields": [["objectTypeId": "0-1", "name": "email", "value": "ada@example.org"],
                                           ["objectTypeId": "0-5", "name": "content", "value": "Where is my parcel?"]]],
            "FormPageSubmission": ["0-1/email": "ada@example.org", "0-5/content": "Where is my parcel?"],
            "ReadInput": [String: Any](),
            "RoutingRule": ["assignment": "USERS_AND_TEAMS", "userIds": [String](), "teamIds": [String](), "distribution": "ROUND_ROBIN"],
            "AgentRouting": ["skills": [["property": "hs_language", "value": "fr"]], "capacity": ["EMAIL": 20]],
            "AvailabilityInput": ["status": "AWAY"],
            "NotificationPreferences": ["ASSIGNED": ["workspace": true, "email": false]],
            "OfficeHours": ["hours": ["timeZone": "Europe/Paris", "monday": ["09:00-17:00"]], "holidays": ["2026-12-25"]],
            "CallWebhook": ["CallSid": "CA0123456789abcdef", "From": "+33123456789", "To": "+33987654321"],
            "WhatsAppWebhook": ["object": "whatsapp_business_account", "entry": [Any]()],
        ]
    }
}

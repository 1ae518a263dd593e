import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird
import NIOCore

/// Web forms: `/marketing/v3/forms` for admins (shaped like the commercial product's Forms API),
/// and for the public `/forms/{id}` (the HTML page and its submission) and
/// `/submissions/v3/integration/submit/{portalId}/{formId}` (submission as JSON).
struct FormRoutes {
    let desk: HelpDesk
    let limit: SubmissionLimit

    static let maxFormBody = 256 * 1024

    struct FieldJSON: Codable {
        var objectTypeId: String
        var name: String
        var label: String?
        var required: Bool?
        var hidden: Bool?
        var fieldType: String?
    }

    struct FieldGroupJSON: Codable {
        var groupType = "default_group"
        var richTextType = "text"
        var fields: [FieldJSON]

        enum CodingKeys: String, CodingKey { case groupType, richTextType, fields }

        init(fields: [FieldJSON]) {
            self.fields = fields
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            fields = try container.decodeIfPresent([FieldJSON].self, forKey: .fields) ?? []
        }
    }

    struct DisplayOptionsJSON: Codable {
        var submitButtonText: String?
    }

    struct PostSubmitActionJSON: Codable {
        var type = "thank_you"
        var value: String?
    }

    struct ConfigurationJSON: Codable {
        var postSubmitAction: PostSubmitActionJSON?
        var pipelineId: String?
        var createsTickets: Bool?
        var channelAccountId: String?
    }

    struct FormJSON: Encodable {
        var id: String
        var name: String
        var formType = "hubspot"
        var createdAt: String
        var updatedAt: String
        var archived: Bool
        var fieldGroups: [FieldGroupJSON]
        var displayOptions: DisplayOptionsJSON
        var configuration: ConfigurationJSON
        /// The public page, relative to the help desk's address.
        var url: String
        /// To put the form in another site's page.
        var embedCode: String

        init(_ form: Form, channel: HelpDeskCore.Channel) {
            id = form.id
            name = form.name
            createdAt = form.createdAt.isoString
            updatedAt = form.updatedAt.isoString
            archived = form.archived
            fieldGroups = [FieldGroupJSON(fields: form.fields.map {
                FieldJSON(objectTypeId: $0.objectTypeID, name: $0.name, label: $0.label, required: $0.required, hidden: false,
                          fieldType: $0.kind.rawValue)
            })]
            displayOptions = DisplayOptionsJSON(submitButtonText: form.submitText)
            configuration = ConfigurationJSON(postSubmitAction: PostSubmitActionJSON(value: form.thankYouMessage),
                                              pipelineId: channel.pipelineID, createsTickets: channel.createsTickets,
                                              channelAccountId: channel.id)
            url = "/forms/\(form.id)"
            embedCode = "<iframe src=\"/forms/\(form.id)\" title=\"\(form.name.replacingOccurrences(of: "\"", with: "&quot;"))\" "
                + "style=\"width:100%;min-height:40rem;border:0\"></iframe>"
        }
    }

    struct FormInput: Decodable {
        var name: String?
        var fieldGroups: [FieldGroupJSON]?
        var displayOptions: DisplayOptionsJSON?
        var configuration: ConfigurationJSON?

        func draft() throws -> FormDraft {
            guard let name else { throw APIError.badRequest("A form needs a name.") }
            let fields = try (fieldGroups ?? []).flatMap(\.fields).map { field in
                var kind: FormField.Kind?
                if let type = field.fieldType {
                    guard let parsed = FormField.Kind(rawValue: type) else {
                        throw APIError.badRequest("fieldType \"\(type)\" of \(field.name) is not one of "
                            + FormField.Kind.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                    }
                    kind = parsed
                }
                return FormDraft.Field(objectTypeID: field.objectTypeId, name: field.name, label: field.label,
                                       required: field.required ?? false, kind: kind)
            }
            return FormDraft(name: name, fields: fields, submitText: displayOptions?.submitButtonText,
                             thankYouMessage: configuration?.postSubmitAction?.value, pipelineID: configuration?.pipelineId,
                             createsTickets: configuration?.createsTickets)
        }
    }

    struct FormPageJSON: Encodable {
        var results: [FormJSON]
    }

    struct SubmissionInput: Decodable {
        struct Field: Decodable {
            var objectTypeId: String?
            var name: String
            var value: String
        }

        var fields: [Field]
    }

    func register(admin section: RouteBook.Section) {
        section.add(.get, "", "getForms", "List the web forms", response: "FormPage") { _, context in
            let forms = try await desk.forms.list(by: try context.requireCaller())
            return try JSONBody.response(FormPageJSON(results: forms.map { FormJSON($0.form, channel: $0.channel) }))
        }
        section.add(.post, "", "createForm", "Make a web form; its page is at /forms/{id} (C2)", request: "FormInput",
                    response: "Form", status: 201) { request, context in
            let draft = try await JSONBody.decode(FormInput.self, from: request).draft()
            let (form, channel) = try await desk.forms.create(draft, by: try context.requireCaller())
            return try JSONBody.response(FormJSON(form, channel: channel), status: .created)
        }
        section.add(.get, ":formId", "getForm", "Read a web form", response: "Form") { _, context in
            let (form, channel) = try await desk.forms.get(id: try context.parameters.require("formId"), by: try context.requireCaller())
            return try JSONBody.response(FormJSON(form, channel: channel))
        }
        section.add(.put, ":formId", "replaceForm", "Replace a web form's fields and texts", request: "FormInput",
                    response: "Form") { request, context in
            let draft = try await JSONBody.decode(FormInput.self, from: request).draft()
            let (form, channel) = try await desk.forms.replace(id: try context.parameters.require("formId"), with: draft,
                                                               by: try context.requireCaller())
            return try JSONBody.response(FormJSON(form, channel: channel))
        }
        section.add(.delete, ":formId", "archiveForm", "Take a web form down; what it brought in stays", status: 204) { _, context in
            try await desk.forms.archive(id: try context.parameters.require("formId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
    }

    func register(public section: RouteBook.Section) {
        section.add(.get, "forms/:formId", "getFormPage", "The form's public page", content: "text/html",
                    also: [.page(404, "No such form, or one taken down")]) { _, context in
            try await page(context.parameters.require("formId"))
        }
        section.add(.post, "forms/:formId", "submitFormPage",
                    "Send the form from its page, as a browser does; answers with a page", request: "FormPageSubmission",
                    requestContent: URLEncodedForm.mediaType, content: "text/html",
                    also: [.page(400, "The form again, with what to correct"), .page(404, "No such form, or one taken down"),
                           .page(413, "The form again: the message is too long"),
                           .page(429, "The form again: too many messages from this address")]) { request, context in
            try await submitPage(request, context)
        }
        section.add(.post, "submissions/v3/integration/submit/:portalId/:formId", "submitForm",
                    "Send a form as JSON, as the commercial product's submission API takes it", request: "SubmissionInput",
                    response: "SubmissionResult", errors: [400, 404, 413, 429]) { request, context in
            try await submitJSON(request, context)
        }
    }

    func page(_ id: String) async throws -> Response {
        guard let (form, _) = try await desk.forms.published(id: id) else { return Self.missing() }
        return Self.html(FormPage.render(form, schemas: try await schemas()), status: .ok)
    }

    func submitPage(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let id: String = try context.parameters.require("formId")
        guard let (form, _) = try await desk.forms.published(id: id) else { return Self.missing() }
        guard limit.allows(context.remoteIP ?? "unknown") else {
            return Self.html(FormPage.render(form, schemas: try await schemas(), problems: [
                .init(field: nil, message: "Too many messages from your address; please wait a few minutes and send again."),
            ]), status: .tooManyRequests)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxFormBody)
        } catch {
            return Self.html(FormPage.render(form, schemas: try await schemas(), problems: [
                .init(field: nil, message: "The form is larger than \(Self.maxFormBody / 1024) KiB; shorten your message."),
            ]), status: .contentTooLarge)
        }
        let values = URLEncodedForm.values(String(buffer: body))
        if !(values[Form.honeypotField] ?? "").isEmpty {
            context.logger.info("Dropped a form submission that filled the honeypot", metadata: ["form": "\(id)"])
            return Self.html(FormPage.thanks(form), status: .ok)
        }
        do {
            _ = try await desk.forms.submit(formID: id, values: values)
        } catch HelpDeskError.invalidForm(let error) {
            return Self.html(FormPage.render(form, schemas: try await schemas(), values: values, problems: error.problems),
                             status: .badRequest)
        }
        return Self.html(FormPage.thanks(form), status: .ok)
    }

    func submitJSON(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let id: String = try context.parameters.require("formId")
        guard limit.allows(context.remoteIP ?? "unknown") else {
            throw APIError(status: .tooManyRequests, category: "RATE_LIMITS",
                           message: "Too many submissions from this address; wait a few minutes and send again.")
        }
        let input = try await JSONBody.decode(SubmissionInput.self, from: request)
        var values: [String: String] = [:]
        for field in input.fields {
            values["\(field.objectTypeId ?? ObjectType.contacts.id)/\(field.name)"] = field.value
        }
        guard let (form, _) = try await desk.forms.published(id: id) else {
            throw APIError.notFound("Form \(id) does not exist or was taken down.")
        }
        if !(values["\(ObjectType.contacts.id)/\(Form.honeypotField)"] ?? "").isEmpty {
            return try JSONBody.response(["inlineMessage": form.thankYouMessage])
        }
        _ = try await desk.forms.submit(formID: id, values: values)
        return try JSONBody.response(["inlineMessage": form.thankYouMessage])
    }

    func schemas() async throws -> (contacts: RecordSchema, tickets: RecordSchema) {
        (try await desk.recordSchema(ObjectType.contacts.name), try await desk.recordSchema(ObjectType.tickets.name))
    }

    static func html(_ page: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // No scripts, no remote loads; the page may be framed by the sites that embed it.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func missing(what: String = "Form") -> Response {
        html("""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(what) not found</title></head>
            <body><main><h1>\(what) not found</h1><p>This \(what.lowercased()) does not exist or was taken down.</p></main></body></html>
            """, status: .notFound)
    }
}

import HelpDeskCore
import Mustache

/// The public page of a web form and the page after sending it. Plain HTML that works without
/// JavaScript, with labels tied to their fields, errors announced and linked to the field they
/// concern, and a honeypot field that people never see.
enum FormPage {
    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Field {
        var id: String
        var name: String
        var label: String
        var required: Bool
        var inputType: String
        var autocomplete: String
        var value: String
        var checked: Bool
        var isInput: Bool
        var isTextArea: Bool
        var isSelect: Bool
        var isCheckbox: Bool
        var options: [Option]
        var hasError: Bool
        var error: String
    }

    struct ErrorLink {
        var id: String
        var message: String
    }

    struct View {
        var title: String
        var action: String
        var submitText: String
        var fields: [Field]
        var hasErrors: Bool
        var errors: [ErrorLink]
        var generalErrors: [String]
        var honeypot = Form.honeypotField
    }

    struct Thanks {
        var title: String
        var message: String
    }

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The templates are fixed strings written here: a parse failure is a programming error.
        try! library.register(headTemplate, named: "head")
        try! library.register(formTemplate, named: "form")
        try! library.register(thanksTemplate, named: "thanks")
        return library
    }()

    /// The page with the form, filled with `values` and showing `problems` after a refused try.
    static func render(_ form: Form, schemas: (contacts: RecordSchema, tickets: RecordSchema), values: [String: String] = [:],
                       problems: [FormError.Problem] = []) -> String {
        var fields: [Field] = []
        for (index, field) in form.fields.enumerated() {
            let schema = field.objectTypeID == ObjectType.tickets.id ? schemas.tickets : schemas.contacts
            let value = values[field.inputName] ?? ""
            let error = problems.first { $0.field == field.inputName }?.message ?? ""
            let options = (schema.properties[field.name]?.options ?? []).filter { !$0.hidden }
                .sorted { ($0.displayOrder, $0.label) < ($1.displayOrder, $1.label) }
                .map { Option(value: $0.value, label: $0.label, selected: $0.value == value) }
            fields.append(Field(
                id: "field-\(index)", name: field.inputName, label: field.label, required: field.required,
                inputType: inputType(field.kind), autocomplete: autocomplete(field), value: value,
                checked: ["true", "on"].contains(value), isInput: ![.multiLineText, .dropdown, .singleCheckbox].contains(field.kind),
                isTextArea: field.kind == .multiLineText, isSelect: field.kind == .dropdown, isCheckbox: field.kind == .singleCheckbox,
                options: options, hasError: !error.isEmpty, error: error))
        }
        let errors = fields.filter(\.hasError).map { ErrorLink(id: $0.id, message: $0.error) }
        let general = problems.filter { problem in !fields.contains { $0.name == problem.field } }.map(\.message)
        let view = View(title: form.name, action: "/forms/\(form.id)", submitText: form.submitText, fields: fields,
                        hasErrors: !problems.isEmpty, errors: errors, generalErrors: general)
        return library.render(view, withTemplate: "form") ?? ""
    }

    static func thanks(_ form: Form) -> String {
        library.render(Thanks(title: form.name, message: form.thankYouMessage), withTemplate: "thanks") ?? ""
    }

    static func inputType(_ kind: FormField.Kind) -> String {
        switch kind {
        case .email: "email"
        case .phone: "tel"
        case .number: "number"
        case .date: "date"
        case .singleCheckbox: "checkbox"
        case .singleLineText, .multiLineText, .dropdown: "text"
        }
    }

    static func autocomplete(_ field: FormField) -> String {
        guard field.objectTypeID == ObjectType.contacts.id else { return "off" }
        switch field.name {
        case "email": return "email"
        case "firstname": return "given-name"
        case "lastname": return "family-name"
        case "phone", "mobilephone": return "tel"
        case "company": return "organization"
        default: return "on"
        }
    }

    static let style = """
        body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;padding:1.5rem;color:#1f2328;background:#fff}
        main{max-width:36rem;margin:0 auto}
        .field{margin:0 0 1rem}
        label{display:block;font-weight:600;margin-bottom:.25rem}
        .check label{display:inline;font-weight:400;margin-left:.4rem}
        input,textarea,select{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8c959f;border-radius:4px}
        input[type=checkbox]{width:auto}
        textarea{min-height:8rem}
        [aria-invalid=true]{border-color:#cf222e;border-width:2px}
        .error{color:#cf222e;margin:.25rem 0 0}
        .summary{border:2px solid #cf222e;padding:.75rem 1rem;margin-bottom:1rem}
        .summary a{color:#cf222e}
        button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#0969da;color:#fff;cursor:pointer}
        button:focus,input:focus,textarea:focus,select:focus{outline:3px solid #54aeff;outline-offset:1px}
        .trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
        """

    /// The start of both pages, down to their heading.
    static let headTemplate = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>\(style)</style>
        </head>
        <body>
        <main>
        <h1>{{title}}</h1>
        """

    static let formTemplate = """
        {{> head}}
        {{#hasErrors}}
        <div class="summary" role="alert" aria-labelledby="summary-title">
        <h2 id="summary-title">Please correct the following</h2>
        <ul>
        {{#errors}}<li><a href="#{{id}}">{{message}}</a></li>{{/errors}}
        {{#generalErrors}}<li>{{.}}</li>{{/generalErrors}}
        </ul>
        </div>
        {{/hasErrors}}
        <form method="post" action="{{action}}" accept-charset="utf-8">
        {{#fields}}
        {{#isCheckbox}}
        <div class="field check">
        <input type="checkbox" id="{{id}}" name="{{name}}" value="true"{{#checked}} checked{{/checked}}{{#required}} required aria-required="true"{{/required}}{{#hasError}} aria-invalid="true" aria-describedby="{{id}}-error"{{/hasError}}>
        <label for="{{id}}">{{label}}{{#required}} <span aria-hidden="true">*</span>{{/required}}</label>
        {{#hasError}}<p class="error" id="{{id}}-error">{{error}}</p>{{/hasError}}
        </div>
        {{/isCheckbox}}
        {{^isCheckbox}}
        <div class="field">
        <label for="{{id}}">{{label}}{{#required}} <span aria-hidden="true">*</span>{{/required}}</label>
        {{#isInput}}<input type="{{inputType}}" id="{{id}}" name="{{name}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#required}} required aria-required="true"{{/required}}{{#hasError}} aria-invalid="true" aria-describedby="{{id}}-error"{{/hasError}}>{{/isInput}}
        {{#isTextArea}}<textarea id="{{id}}" name="{{name}}" rows="6"{{#required}} required aria-required="true"{{/required}}{{#hasError}} aria-invalid="true" aria-describedby="{{id}}-error"{{/hasError}}>{{value}}</textarea>{{/isTextArea}}
        {{#isSelect}}<select id="{{id}}" name="{{name}}"{{#required}} required aria-required="true"{{/required}}{{#hasError}} aria-invalid="true" aria-describedby="{{id}}-error"{{/hasError}}>
        <option value="">Choose…</option>
        {{#options}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/options}}
        </select>{{/isSelect}}
        {{#hasError}}<p class="error" id="{{id}}-error">{{error}}</p>{{/hasError}}
        </div>
        {{/isCheckbox}}
        {{/fields}}
        <div class="trap" aria-hidden="true">
        <label for="{{honeypot}}">Leave this field empty</label>
        <input type="text" id="{{honeypot}}" name="{{honeypot}}" tabindex="-1" autocomplete="off">
        </div>
        <button type="submit">{{submitText}}</button>
        </form>
        </main>
        </body>
        </html>
        """

    static let thanksTemplate = """
        {{> head}}
        <p role="status">{{message}}</p>
        </main>
        </body>
        </html>
        """
}

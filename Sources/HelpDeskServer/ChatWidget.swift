import HelpDeskCore
import Mustache

/// The live chat a site embeds with one script tag: the script adds a button and a frame served
/// by the help desk, so that the chat, its cookie and its socket all live on the help desk's own
/// origin. Plain JavaScript, no build step; text is always set as text, never as HTML.
enum ChatWidget {
    struct Frame {
        var title: String
        var channelID: String
    }

    struct Demo {
        var title: String
        var channelID: String
    }

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // Fixed strings written here: a parse failure is a programming error.
        try! library.register(frameTemplate, named: "frame")
        try! library.register(demoTemplate, named: "demo")
        return library
    }()

    static func frame(_ channel: Channel) -> String {
        library.render(Frame(title: channel.name, channelID: channel.id), withTemplate: "frame") ?? ""
    }

    static func demo(_ channel: Channel) -> String {
        library.render(Demo(title: channel.name, channelID: channel.id), withTemplate: "demo") ?? ""
    }

    static let embedScript = """
        (function () {
          var script = document.currentScript;
          if (!script) return;
          var channel = script.getAttribute("data-channel");
          var base = new URL(script.src).origin;
          var frame = document.createElement("iframe");
          frame.src = base + "/chat/frame/" + encodeURIComponent(channel);
          frame.title = script.getAttribute("data-title") || "Chat";
          frame.id = "hd-chat-frame";
          frame.hidden = true;
          frame.style.cssText = "position:fixed;right:20px;bottom:80px;width:360px;height:520px;max-width:calc(100vw - 40px);" +
            "max-height:calc(100vh - 110px);border:1px solid #d0d7de;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.2);" +
            "z-index:2147483000;background:#fff";
          var button = document.createElement("button");
          button.type = "button";
          button.id = "hd-chat-button";
          button.textContent = script.getAttribute("data-label") || "Chat with us";
          button.setAttribute("aria-expanded", "false");
          button.setAttribute("aria-controls", frame.id);
          button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;padding:12px 18px;border:0;" +
            "border-radius:24px;background:#0969da;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer";
          function tellOpen() {
            if (!frame.hidden && frame.contentWindow) frame.contentWindow.postMessage("hd-chat-open", base);
          }
          frame.addEventListener("load", tellOpen);
          button.addEventListener("click", function () {
            frame.hidden = !frame.hidden;
            button.setAttribute("aria-expanded", String(!frame.hidden));
            tellOpen();
          });
          document.body.appendChild(frame);
          document.body.appendChild(button);
        })();
        """

    static let frameScript = """
        (function () {
          var root = document.getElementById("chat");
          var channel = root.getAttribute("data-channel");
          var log = document.getElementById("log");
          var say = document.getElementById("say");
          var text = document.getElementById("text");
          var who = document.getElementById("who");
          var status = document.getElementById("status");
          var seen = {};
          var socket = null;
          var retry = 500;
          function add(message) {
            if (message.id && seen[message.id]) return;
            if (message.id) seen[message.id] = true;
            var item = document.createElement("li");
            item.className = message.from;
            var name = document.createElement("span");
            name.className = "name";
            name.textContent = message.name || (message.from === "visitor" ? "You" : message.from === "bot" ? "Assistant" : "Team");
            var body = document.createElement("p");
            body.textContent = message.text;
            item.appendChild(name);
            item.appendChild(body);
            log.appendChild(item);
            log.scrollTop = log.scrollHeight;
          }
          function connect() {
            var scheme = location.protocol === "https:" ? "wss:" : "ws:";
            socket = new WebSocket(scheme + "//" + location.host + "/chat/socket/" + encodeURIComponent(channel));
            socket.onopen = function () { status.textContent = ""; retry = 500; };
            socket.onmessage = function (event) {
              var data = JSON.parse(event.data);
              if (data.type === "hello") {
                if (data.greeting && !log.children.length) add({ from: "bot", name: data.botName, text: data.greeting });
                if (data.visitor && data.visitor.email) who.hidden = true;
              } else if (data.type === "messages") {
                data.messages.forEach(add);
              } else if (data.type === "identified") {
                who.hidden = true;
                status.textContent = "Thank you, " + (data.name || data.email) + ".";
              } else if (data.type === "error") {
                status.textContent = data.message;
              }
            };
            socket.onclose = function () {
              status.textContent = "Connecting again…";
              setTimeout(connect, retry);
              retry = Math.min(retry * 2, 10000);
            };
          }
          say.addEventListener("submit", function (event) {
            event.preventDefault();
            var value = text.value.trim();
            if (!value || !socket || socket.readyState !== 1) return;
            socket.send(JSON.stringify({ type: "message", text: value }));
            text.value = "";
          });
          who.addEventListener("submit", function (event) {
            event.preventDefault();
            if (!socket || socket.readyState !== 1) return;
            socket.send(JSON.stringify({ type: "identify", name: document.getElementById("name").value,
                                         email: document.getElementById("email").value }));
          });
          // The chat connects once the visitor opens it, so that a page view costs nothing.
          window.addEventListener("message", function (event) {
            if (event.data === "hd-chat-open" && !socket) connect();
          });
          if (window.parent === window) connect();
        })();
        """

    static let frameTemplate = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#1f2328}
        #chat{display:flex;flex-direction:column;height:100vh}
        header{padding:.75rem 1rem;background:#0969da;color:#fff;font-weight:600}
        #log{list-style:none;margin:0;padding:.75rem;flex:1;overflow-y:auto}
        #log li{margin:.4rem 0;max-width:85%}
        #log li p{margin:.1rem 0 0;padding:.5rem .7rem;border-radius:10px;background:#f0f3f6;white-space:pre-wrap}
        #log li.visitor{margin-left:auto;text-align:right}
        #log li.visitor p{background:#ddf4ff}
        .name{font-size:.75rem;color:#59636e}
        form{display:flex;gap:.4rem;padding:.5rem .75rem;border-top:1px solid #d0d7de}
        #who{flex-wrap:wrap}
        input,textarea{font:inherit;flex:1;min-width:0;padding:.4rem;border:1px solid #8c959f;border-radius:6px}
        button{font:inherit;padding:.4rem .8rem;border:0;border-radius:6px;background:#0969da;color:#fff;cursor:pointer}
        :focus{outline:3px solid #54aeff;outline-offset:1px}
        [hidden]{display:none !important}
        #status{min-height:1.2em;margin:0;padding:0 .75rem;font-size:.8rem;color:#59636e}
        .visually-hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
        </style>
        </head>
        <body>
        <main id="chat" data-channel="{{channelID}}">
        <header>{{title}}</header>
        <ol id="log" role="log" aria-live="polite" aria-label="Conversation"></ol>
        <p id="status" role="status"></p>
        <form id="who" aria-label="Who you are">
        <label class="visually-hidden" for="name">Your name</label><input id="name" name="name" autocomplete="name" placeholder="Your name">
        <label class="visually-hidden" for="email">Your email</label><input id="email" name="email" type="email" autocomplete="email" placeholder="Your email">
        <button type="submit">Save</button>
        </form>
        <form id="say" aria-label="Your message">
        <label class="visually-hidden" for="text">Your message</label>
        <textarea id="text" name="text" rows="2" maxlength="4000" placeholder="Write a message"></textarea>
        <button type="submit">Send</button>
        </form>
        </main>
        <script src="/chat/frame.js"></script>
        </body>
        </html>
        """

    static let demoTemplate = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{title}}: chat preview</title></head>
        <body>
        <main><h1>{{title}}</h1><p>This page shows the chat as visitors of your site see it. Put the same script tag on your pages.</p>
        <pre>&lt;script src="https://your-help-desk/chat/widget.js" data-channel="{{channelID}}" async&gt;&lt;/script&gt;</pre></main>
        <script src="/chat/widget.js" data-channel="{{channelID}}" async></script>
        </body>
        </html>
        """
}

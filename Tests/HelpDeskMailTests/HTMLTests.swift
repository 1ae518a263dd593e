import HelpDeskMail
import XCTest

final class HTMLTests: XCTestCase {
    func testSanitiserDropsDangerousLinksInEveryDisguise() {
        let links = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                     "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
                     "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd", "//evil.example/x",
                     "relative/page.html"]
        for link in links {
            let clean = HTMLSanitizer.clean("<a href=\"\(link)\">x</a>")
            XCTAssertEqual(clean, "<a>x</a>", link)
        }
        XCTAssertEqual(HTMLSanitizer.clean("<a href='mailto:a@example.com' class=x>m</a>"),
                       "<a href=\"mailto:a@example.com\" rel=\"noopener noreferrer\" target=\"_blank\">m</a>")
        XCTAssertEqual(HTMLSanitizer.clean("<a href=#top>t</a>"),
                       "<a href=\"#top\" rel=\"noopener noreferrer\" target=\"_blank\">t</a>")
    }

    func testSanitiserKeepsOnlySafeImages() {
        XCTAssertEqual(HTMLSanitizer.clean("<img src=\"cid:logo@x\" alt=\"Logo\" onload=\"x()\">"), "<img src=\"cid:logo@x\" alt=\"Logo\">")
        XCTAssertEqual(HTMLSanitizer.clean("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">"), "")
        XCTAssertEqual(HTMLSanitizer.clean("<IMG SRC=\"http://t.example/p.gif\">a"), "a")
        XCTAssertEqual(HTMLSanitizer.clean("<img src=\"http://t.example/p.gif\">", allowRemoteImages: true),
                       "<img src=\"http://t.example/p.gif\">")
        XCTAssertEqual(HTMLSanitizer.clean("<img src=\"javascript:alert(1)\">", allowRemoteImages: true), "")
        XCTAssertEqual(HTMLSanitizer.clean("<img alt=\"none\">"), "")
    }

    func testSanitiserKeepsFormattingAndDropsUnknownTagsButNotTheirText() {
        XCTAssertEqual(HTMLSanitizer.clean("<font color=\"red\" onmouseover=\"x\" style=\"a\">t</font>"), "<font color=\"red\">t</font>")
        XCTAssertEqual(HTMLSanitizer.clean("<custom-tag>hi</custom-tag> <o:p>there</o:p>"), "hi there")
        XCTAssertEqual(HTMLSanitizer.clean("<H1 ID=x>Title</H1><UL><LI>one<LI>two</UL>"),
                       "<h1>Title</h1><ul><li>one</li><li>two</li></ul>")
        XCTAssertEqual(HTMLSanitizer.clean("<blockquote><pre><code>x &lt; y</code></pre></blockquote><hr/>"),
                       "<blockquote><pre><code>x &lt; y</code></pre></blockquote><hr>")
    }

    func testSanitiserOutputIsBalanced() {
        XCTAssertEqual(HTMLSanitizer.clean("<div><span>x"), "<div><span>x</span></div>")
        XCTAssertEqual(HTMLSanitizer.clean("</div>x</span>"), "x")
        XCTAssertEqual(HTMLSanitizer.clean("<p>a<p>b"), "<p>a</p><p>b</p>")
        XCTAssertEqual(HTMLSanitizer.clean("<b><i>x</b>y</i>"), "<b><i>x</i></b>y")
        XCTAssertEqual(HTMLSanitizer.clean("<table><tr><td>a<td>b<tr><td>c</table>"),
                       "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>")
    }

    func testSanitiserEscapesTextAndAttributes() {
        XCTAssertEqual(HTMLSanitizer.clean("a < b && c > d &amp; &#169; &nosemicolon"),
                       "a &lt; b &amp;&amp; c &gt; d &amp; &#169; &amp;nosemicolon")
        XCTAssertEqual(HTMLSanitizer.clean("<a title='say \"hi\" <now>'>x</a>"),
                       "<a title=\"say &quot;hi&quot; &lt;now&gt;\">x</a>")
        XCTAssertEqual(HTMLSanitizer.clean("<a href=\"https://x.example/?a=1&b=2\">q</a>"),
                       "<a href=\"https://x.example/?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">q</a>")
    }

    func testSanitiserDropsHiddenContentCommentsAndBrokenTags() {
        XCTAssertEqual(HTMLSanitizer.clean("<!-- <script>alert(1)</script> -->ok<!---->"), "ok")
        XCTAssertEqual(HTMLSanitizer.clean("<SCRIPT type=text/javascript>alert(1)</SCRIPT >after"), "after")
        XCTAssertEqual(HTMLSanitizer.clean("<script>alert('</scr' + 'ipt>')</script>x"), "x")
        XCTAssertEqual(HTMLSanitizer.clean("<style>p{}</style><form><form>in</form>still</form>out"), "out")
        XCTAssertEqual(HTMLSanitizer.clean("before<script>never closed"), "before")
        XCTAssertEqual(HTMLSanitizer.clean("text<a href=\"https://x"), "text")
        XCTAssertEqual(HTMLSanitizer.clean("<scr<script>ipt>alert(1)</script>"), "ipt&gt;alert(1)")
        XCTAssertEqual(HTMLSanitizer.clean("<embed src=x>kept<meta charset=utf-8><base href=x><link href=x>"), "kept")
        XCTAssertEqual(HTMLSanitizer.clean("<![CDATA[x]]><?php echo 1 ?>y"), "y")
    }

    func testPlainTextRenderingOfHTML() {
        XCTAssertEqual(HTMLText.plain("<p>Hello&nbsp;there,</p><p>line<br>break &amp; more</p>"), "Hello there,\nline\nbreak & more")
        XCTAssertEqual(HTMLText.plain("<ul><li>one</li><li>two</li></ul>"), "- one\n- two")
        XCTAssertEqual(HTMLText.plain("<pre>a  b\n  c</pre>"), "a  b\n  c")
        XCTAssertEqual(HTMLText.plain("<style>x{}</style><script>y()</script><div>a\n   b</div>"), "a b")
        XCTAssertEqual(HTMLText.plain("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"), "a b\nc")
        XCTAssertEqual(HTMLText.plain("<div>a</div><div><br></div><div>b</div>"), "a\n\nb")
        XCTAssertEqual(HTMLText.plain("<p>a</p><p>&nbsp;</p><p>&nbsp;</p><p>&nbsp;</p><p>b</p>"), "a\n\nb")
        XCTAssertEqual(HTMLText.plain("&euro;&#8364;&#x20ac;&#128;&eacute;&unknown;&#0;"), "€€€€é&unknown;\u{FFFD}")
        XCTAssertEqual(HTMLText.plain(""), "")
    }
}

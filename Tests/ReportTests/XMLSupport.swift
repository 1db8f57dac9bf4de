import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One parsed XML element: name, attributes and its direct text.
struct XMLElementInfo {
  var name: String
  var attributes: [String: String]
  var text: String
}

/// Parses an SVG document with Foundation's XMLParser and flattens it into elements in document
/// order; `error` is non-nil when the document is not well-formed XML.
final class FlatXML: NSObject, XMLParserDelegate {
  private(set) var elements: [XMLElementInfo] = []
  private var stack: [Int] = []
  private(set) var error: Error?

  init(_ text: String) {
    super.init()
    let parser = XMLParser(data: Data(text.utf8))
    parser.delegate = self
    if !parser.parse() { error = parser.parserError ?? NSError(domain: "FlatXML", code: 1) }
  }

  func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
              qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
    stack.append(elements.count)
    elements.append(XMLElementInfo(name: elementName, attributes: attributeDict, text: ""))
  }

  func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
    _ = stack.popLast()
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if let i = stack.last { elements[i].text += string }
  }

  func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }

  var root: XMLElementInfo? { elements.first }
  func all(_ name: String) -> [XMLElementInfo] { elements.filter { $0.name == name } }
  /// The text of every `<text>` element.
  var texts: [String] { all("text").map(\.text) }
}

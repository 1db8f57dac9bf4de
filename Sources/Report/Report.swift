// Temporary: the Figure protocol contract, until the Report module lands.
public protocol Figure {
  var title: String { get }
  func svg() -> String
  func ascii(width: Int, height: Int) -> String
}

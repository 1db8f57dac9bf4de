/// Stops with `message` when `condition` is false, in every build configuration. The engine is
/// compiled with `-O`, where `precondition` would stop without printing its message; misuse must
/// say which operation and which sizes were involved (the policy Tensor's `require` set).
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
  if !condition { fatalError(message(), file: file, line: line) }
}

import Testing
@testable import Notebook

@Suite struct RunOptionsTests {
  func parse(_ args: [String], extra: [ExtraFlag] = []) throws(UsageError) -> RunOptions {
    try RunOptions.parse(args, defaultSeed: 2147483647, threads: 2, extraFlags: extra)
  }

  @Test func defaults() throws {
    let o = try parse([])
    #expect(o.verbosity == .normal)
    #expect(o.mode == .standard)
    #expect(o.seed == 2147483647)
    #expect(!o.seedWasSet)
    #expect(o.threads == 2)
    #expect(!o.writeReport && !o.quiz && !o.help && !o.list)
    #expect(o.color)
  }

  @Test func everyFlag() throws {
    let o = try parse(["--verbose", "--seed", "42", "--steps", "100", "--full", "--report", "out", "--quiz",
                       "--no-color", "--threads", "1", "--data", "/tmp/d", "--list"])
    #expect(o.verbosity == .verbose)
    #expect(o.seed == 42 && o.seedWasSet)
    #expect(o.steps == 100)
    #expect(o.mode == .full)
    #expect(o.writeReport && o.reportDirectory == "out")
    #expect(o.quiz && !o.color && o.list)
    #expect(o.threads == 1)
    #expect(o.dataDirectory == "/tmp/d")
  }

  @Test func reportWithoutDirectoryAndInlineValues() throws {
    let o = try parse(["--report", "--quiet", "--seed=7"])
    #expect(o.writeReport && o.reportDirectory == nil)
    #expect(o.verbosity == .quiet)
    #expect(o.seed == 7)
  }

  @Test func seedsWrapModulo2To32() throws {
    #expect(try parse(["--seed", "4294967296"]).seed == 0)
    #expect(try parse(["--seed", "4294967297"]).seed == 1)
    #expect(try parse(["--seed", "-1"]).seed == 4294967295)
  }

  @Test(arguments: [
    (["--sed", "1"], "unknown flag '--sed'"),
    (["--seed"], "--seed needs a value"),
    (["--seed", "abc"], "--seed needs a whole number, got 'abc'"),
    (["--steps", "0"], "--steps needs a positive whole number, got '0'"),
    (["--threads", "-2"], "--threads needs a positive whole number, got '-2'"),
    (["--threads", "--quiet"], "--threads needs a value"),
    (["--threads", "two"], "--threads needs a positive whole number, got 'two'"),
    (["--fast", "--full"], "--fast and --full cannot be used together"),
    (["--verbose", "--quiet"], "--verbose and --quiet cannot be used together"),
    (["extra"], "unexpected argument 'extra' (lectures take only flags)"),
    (["--dot=1"], "unknown flag '--dot=1'"),
  ])
  func usageErrors(_ args: [String], _ message: String) {
    #expect(throws: UsageError(message)) { try parse(args, extra: [ExtraFlag("--dot", help: "")]) }
  }

  @Test func extraFlags() throws {
    let o = try parse(["--dot"], extra: [ExtraFlag("--dot", help: "print DOT")])
    #expect(o.extraFlags == ["--dot"])
    #expect(throws: UsageError("unknown flag '--dot'")) { try parse(["--dot"]) }
  }

  @Test func colourFollowsTerminalAndNoColor() throws {
    #expect(try RunOptions.parse([], defaultSeed: 1, threads: 1, outputIsTerminal: false).color == false)
    #expect(try RunOptions.parse([], defaultSeed: 1, threads: 1, environment: ["NO_COLOR": "1"]).color == false)
    #expect(try RunOptions.parse([], defaultSeed: 1, threads: 1, environment: ["NO_COLOR": ""]).color == true)
  }
}

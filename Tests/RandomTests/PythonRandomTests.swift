import Testing
@testable import Random

/// CPython's `random` module, against CPython 3.11.
@Suite struct PythonRandomTests {
  @Test func specVectors() {
    var r = PythonRandom(seed: 42)
    #expect([r.random(), r.random(), r.random()] == [0.6394267984578837, 0.025010755222666936, 0.27502931836911926])
    var g = PythonRandom(seed: 42)
    #expect([g.gauss(mu: 0, sigma: 0.08), g.gauss(mu: 0, sigma: 0.08), g.gauss(mu: 0, sigma: 0.08)]
            == [-0.011527226366234268, -0.013832288026521545, -0.008905268925412997])
    var u = PythonRandom(seed: 1337)
    #expect([u.uniform(-1, 1), u.uniform(-1, 1)] == [0.23550571390294128, 0.06653114721000164])
  }

  @Test(arguments: TorchFixture.cases("python_random"))
  func random(_ c: FixtureCase) {
    var r = PythonRandom(seed: Int(c.seed))
    #expect((0..<c.args["n"].int).map { _ in r.random() } == c.values.doubles)
  }

  @Test(arguments: TorchFixture.cases("python_shuffle"))
  func shuffle(_ c: FixtureCase) {
    var r = PythonRandom(seed: Int(c.seed))
    var items = Array(0..<c.args["n"].int)
    r.shuffle(&items)
    #expect(items == c.values.ints)
  }

  /// gauss goes through double `log`, `cos`, `sin` (glibc, as CPython on Linux): exact here.
  @Test(arguments: TorchFixture.cases("python_gauss"))
  func gauss(_ c: FixtureCase) {
    var r = PythonRandom(seed: Int(c.seed))
    let mu = c.args["mu"].double, sigma = c.args["sigma"].double
    #expect((0..<c.args["n"].int).map { _ in r.gauss(mu: mu, sigma: sigma) } == c.values.doubles)
  }

  @Test(arguments: TorchFixture.cases("python_choices"))
  func choices(_ c: FixtureCase) {
    var r = PythonRandom(seed: Int(c.seed))
    let weights = c.args["weights"].doubles
    #expect((0..<c.args["calls"].int).map { _ in r.choices(weights: weights) } == c.values.ints)
  }

  @Test(arguments: TorchFixture.cases("python_randint_choice"))
  func randintThenChoice(_ c: FixtureCase) {
    var r = PythonRandom(seed: Int(c.seed))
    let bounds = c.args["randint"].ints
    let n = c.args["n"].int
    #expect((0..<n).map { _ in r.randint(bounds[0], bounds[1]) } == c.values["randint"].ints)
    let population = c.args["choice_population"].string.map(String.init)
    #expect((0..<n).map { _ in r.choice(population) } == c.values["choice_then"].strings)
  }

  /// Seeding details checked against CPython 3.11: multi-word seeds, negative seeds (abs), 0,
  /// and _randbelow above 32 bits (getrandbits(40) words).
  @Test func seedingAndWideRandbelow() {
    var wide = PythonRandom(seed: (1 << 40) + 5)
    #expect(wide.random() == 0.5043802970418443)
    var zero = PythonRandom(seed: 0)
    #expect(zero.random() == 0.8444218515250481)
    var negative = PythonRandom(seed: -42), positive = PythonRandom(seed: 42)
    #expect(negative.random() == positive.random())
    var r = PythonRandom(seed: 7)
    #expect([r.randint(0, 999_999_999_999), r.randint(0, 999_999_999_999)] == [434_439_589_175, 54_335_349_840])
  }

  @Test func copiesForkTheStream() {
    var a = PythonRandom(seed: 3)
    _ = a.gauss()  // leaves a cached gauss value, which the copy must carry too
    var b = a
    #expect((0..<5).map { _ in a.gauss() } == (0..<5).map { _ in b.gauss() })
  }
}

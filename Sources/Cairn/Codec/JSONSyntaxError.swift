/// Why JSON text did not parse, and where.
struct JSONSyntaxError: Error {
    var message: String
}

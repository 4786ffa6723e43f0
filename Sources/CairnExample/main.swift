// Runs the seed guide's example workflow end to end on a local SQLite file:
// fetch data → sleep 20 s → process (3 linear retries), printing each status change.
// Usage: swift run cairn-example [--database PATH] [--source URL] [--pause "20 seconds"]
import Cairn
import CairnEngine
import CairnExamples
import CairnStore
import Foundation

let exitCode = await ExampleRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
exit(exitCode)

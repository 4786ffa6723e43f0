// Runs the crash-test workflow against a database file until its instance completes.
// Usage: cairn-crash-helper <database> <log> <instance-id> [slow]
// Each step body appends "<step>-start"/"<step>-end" lines to <log>; with `slow`, step
// "two" hangs after starting so the test can SIGKILL the process in the middle of it.
import Cairn
import CairnEngine
import CairnStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: cairn-crash-helper <database> <log> <instance-id> [slow]\n".utf8))
    exit(2)
}
let exitCode = await CrashHelper.main(database: arguments[1], log: arguments[2], instanceID: arguments[3], slow: arguments.count > 4 && arguments[4] == "slow")
exit(exitCode)

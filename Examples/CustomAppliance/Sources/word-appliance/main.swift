import CairnCommands

await CairnCLI.main { app in try WordCount.configure(&app) }

import CairnCommands
import CairnStock

await CairnCLI.main(configure: StockWorkflows.configure)

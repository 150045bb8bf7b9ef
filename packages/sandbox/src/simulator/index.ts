export {
  isScenarioName,
  parseSimulatorAddress,
  SCENARIO_NAMES,
  type Scenario,
  type ScenarioName,
  type ScenarioStep,
  SIMULATOR_DOMAIN,
  SIMULATOR_REPLIES,
  type SimulatedEvent,
  scenarioFor,
} from './scenarios.js';

export { FactorCheck } from './check';
export { FactorStore } from './store';
export { SecondFactors } from './service';
export { factorRoutes } from './routes';

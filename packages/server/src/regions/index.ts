// Media regions as browsers see them: the list, and the probes they time (NET-REGIONS).
export { regionRoutes, probeOrigins } from './routes';

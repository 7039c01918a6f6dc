export { authorize, isManager, may, ORGANISATION, type Action } from './permissions';

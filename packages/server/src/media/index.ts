export { createMediaPlane, type MediaPlane } from './media-plane';
export { JanusSupervisor } from './janus-supervisor';

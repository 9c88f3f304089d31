import { createMemoryStore } from '../../../daemon/store/memory-store';
import { runStoreContract } from './store-contract';

runStoreContract('memory', () => ({ store: createMemoryStore(), cleanup: () => undefined }));

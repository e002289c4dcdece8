import { afterAll } from '@jest/globals';
import { removeScratchFolders } from './run-bundle.js';

/** Installed for every test file (jest's setupFilesAfterEnv): the bundles' scratch folders go with it. */
afterAll(() => removeScratchFolders());

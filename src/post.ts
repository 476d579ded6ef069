import { runPost } from './action.js';

runPost();

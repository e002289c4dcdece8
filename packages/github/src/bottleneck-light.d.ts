// Bottleneck ships typings for its main entry only; the light build (the one Octokit's plugins
// load, without Redis clustering) has the same API.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
